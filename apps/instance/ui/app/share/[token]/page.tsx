'use client';

import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'next/navigation';
import { api, call, ApiFailure, type Month } from '../../lib/api';
import { Timeline, NO_FILTERS } from '../../components/Timeline';

interface Info {
  kind: 'album' | 'asset';
  title: string;
  description: string | null;
  allowDownload: boolean;
  expiresAt: string | null;
}

type State =
  | { kind: 'loading' }
  | { kind: 'password'; error: string | null }
  | { kind: 'gone'; message: string }
  | { kind: 'open'; info: Info };

const downloadButton = {
  display: 'inline-block',
  padding: '8px 16px',
  borderRadius: 6,
  background: '#2f5d50',
  color: '#fff',
  textDecoration: 'none',
  fontSize: 15,
  whiteSpace: 'nowrap' as const,
};

const card = {
  maxWidth: 440,
  margin: '15vh auto',
  padding: 28,
  background: '#fff',
  borderRadius: 10,
  boxShadow: '0 1px 4px rgba(0,0,0,.1)',
};

/**
 * What a share link shows its holder: the album's photos in the same timeline and lightbox as the
 * library's, after a password if the link has one, and a clear notice when the link no longer works.
 * Nothing else of the library is linked from here.
 */
export default function SharePage() {
  const { token } = useParams<{ token: string }>();
  const base = `/api/share/${encodeURIComponent(token)}`;
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [password, setPassword] = useState('');
  // Whether the link shows anything: an empty album offers no zip (there would be nothing in it).
  const [hasPhotos, setHasPhotos] = useState(false);

  const load = useCallback(() => {
    api<Info>(base).then(
      (info) => setState({ kind: 'open', info }),
      (e) => {
        if (e instanceof ApiFailure && e.error.code === 'ERR_LINK_PASSWORD')
          setState({ kind: 'password', error: null });
        else
          setState({
            kind: 'gone',
            message:
              e instanceof ApiFailure ? e.error.message : 'The library cannot be reached. Try again shortly.',
          });
      },
    );
  }, [base]);
  useEffect(load, [load]);
  const open = state.kind === 'open' ? state.info : null;
  useEffect(() => {
    if (!open?.allowDownload) return;
    api<Month[]>(`${base}/months`).then(
      (months) => setHasPhotos(months.length > 0),
      () => setHasPhotos(false),
    );
  }, [base, open?.allowDownload]);

  if (state.kind === 'loading') return <p style={{ padding: 20 }}>Loading…</p>;
  if (state.kind === 'gone')
    return (
      <main style={card} id="share-gone">
        <h1 style={{ marginTop: 0, fontSize: 22 }}>This link does not work</h1>
        <p>{state.message}</p>
        <p style={{ color: '#666' }}>Ask whoever sent it for a new one.</p>
      </main>
    );
  if (state.kind === 'password')
    return (
      <main style={card}>
        <h1 style={{ marginTop: 0, fontSize: 22 }}>This link is protected</h1>
        <form
          id="share-password"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await call('POST', `${base}/unlock`, { password });
              load();
            } catch (err) {
              setState({
                kind: 'password',
                error: err instanceof ApiFailure ? err.error.message : 'That did not work.',
              });
            }
          }}
        >
          <label>
            Password
            <input
              id="password"
              type="password"
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              style={{
                display: 'block',
                width: '100%',
                font: 'inherit',
                padding: 8,
                margin: '6px 0 12px',
                boxSizing: 'border-box',
              }}
            />
          </label>
          {state.error && (
            <p role="alert" id="share-password-error">
              {state.error}
            </p>
          )}
          <button type="submit">Open</button>
        </form>
      </main>
    );
  const { info } = state;
  return (
    <main style={{ maxWidth: 1600, margin: '0 auto', padding: '0 14px 40px' }}>
      <header
        style={{ padding: '14px 0', display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: 12 }}
      >
        <div style={{ flex: '1 1 260px', minWidth: 0 }}>
          <h1 id="share-title" style={{ margin: 0, fontSize: 24, overflowWrap: 'anywhere' }}>
            {info.title}
          </h1>
          {info.description && <p style={{ overflowWrap: 'anywhere' }}>{info.description}</p>}
          <p style={{ color: '#666', fontSize: 14, margin: '4px 0 0' }}>
            Shared with you{info.expiresAt ? ` until ${new Date(info.expiresAt).toLocaleString()}` : ''}
            {info.allowDownload ? ' · originals may be downloaded' : ''}
          </p>
        </div>
        {/* Only when the link allows downloads: a link without them offers none, previews included. */}
        {info.allowDownload && hasPhotos && (
          <a
            id="share-download"
            href={`${base}/download`}
            download
            style={downloadButton}
            title={
              info.kind === 'album'
                ? 'Every photo and video of this album, as a zip of the originals'
                : 'The original file'
            }
          >
            {info.kind === 'album' ? 'Download all' : 'Download'}
          </a>
        )}
      </header>
      <Timeline filters={NO_FILTERS} base={base} empty="Nothing is shared through this link any more." />
    </main>
  );
}
