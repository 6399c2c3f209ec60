'use client';

import { useEffect, useState } from 'react';
import { api, ApiFailure, silentSignIn, type Session } from './lib/api';
import { IndexProgress } from './components/IndexProgress';
import { SignIn } from './components/SignIn';
import { Timeline, type Filters } from './components/Timeline';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; reason: string | null }
  | { kind: 'signed-in'; session: Session };

function Header({ session }: { session: Session }) {
  return (
    <header style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '10px 0' }}>
      <h1 style={{ margin: 0, fontSize: 22, flex: 1 }}>Atrium library</h1>
      <span id="role">{session.role}</span>
      <form method="post" action="/auth/logout">
        <input type="hidden" name="csrf" value={session.csrfToken} />
        <button type="submit">Sign out</button>
      </form>
    </header>
  );
}

function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const [text, setText] = useState(filters.q);
  const [albums, setAlbums] = useState<Array<{ id: string; title: string }>>([]);

  useEffect(() => {
    api<Array<{ id: string; title: string }>>('/api/albums').then(setAlbums, () => setAlbums([]));
  }, []);
  return (
    <form
      style={{ display: 'flex', gap: 8, margin: '6px 0 12px' }}
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ ...filters, q: text });
      }}
    >
      <select
        aria-label="type"
        value={filters.type}
        onChange={(e) => onChange({ ...filters, type: e.target.value as Filters['type'] })}
      >
        <option value="">Photos and videos</option>
        <option value="image">Photos</option>
        <option value="video">Videos</option>
      </select>
      {albums.length > 0 && (
        <select
          aria-label="album"
          value={filters.album}
          onChange={(e) => onChange({ ...filters, album: e.target.value })}
        >
          <option value="">All albums</option>
          {albums.map((a) => (
            <option key={a.id} value={a.id}>
              {a.title}
            </option>
          ))}
        </select>
      )}
      <label>
        <input
          type="checkbox"
          checked={filters.favorite}
          onChange={(e) => onChange({ ...filters, favorite: e.target.checked })}
        />{' '}
        Favorites
      </label>
      <input
        aria-label="search"
        placeholder="Search names"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}

/** The library: the sign-in page, or the timeline with its filters and, for those who may index, the index progress. */
export default function Home() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [filters, setFilters] = useState<Filters>({ type: '', favorite: false, q: '', album: '' });

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const reason = params.get('signin');
    api<Session>('/api/session')
      .then((session) => setState({ kind: 'signed-in', session }))
      .catch((e) => {
        // A lapsed session signs in again silently, unless that was just tried.
        if (e instanceof ApiFailure && e.error.code === 'ERR_SESSION_EXPIRED' && !reason) silentSignIn();
        else setState({ kind: 'signed-out', reason });
      });
  }, []);

  if (state.kind === 'loading') return <p style={{ padding: 20 }}>Loading…</p>;
  if (state.kind === 'signed-out') return <SignIn reason={state.reason} returnTo="/" />;
  return (
    <main style={{ maxWidth: 1400, margin: '0 auto', padding: '0 14px' }}>
      <Header session={state.session} />
      {state.session.permissions.includes('library.index') && <IndexProgress />}
      <FilterBar filters={filters} onChange={setFilters} />
      <Timeline filters={filters} />
    </main>
  );
}
