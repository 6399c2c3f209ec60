'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, call, ApiFailure, type ShareLink } from '../lib/api';
import { Shell } from '../components/Shell';

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

function SharedLinks() {
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      api<ShareLink[]>('/api/share-links').then(setLinks, (e) =>
        setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.'),
      ),
    [],
  );
  useEffect(() => void load(), [load]);
  return (
    <>
      <h2>Shared links</h2>
      <p style={{ color: '#555', fontSize: 14 }}>
        Every link of this library. A link is shown once, when it is made; here you see who made it, when it
        stops working and how often it was opened, and you can revoke it.
      </p>
      {error && <p role="alert">{error}</p>}
      {links && links.length === 0 && <p id="links-empty">No links yet: open an album and choose “Share”.</p>}
      {links && links.length > 0 && (
        <div style={{ overflowX: 'auto' }}>
          <table id="links" style={{ borderCollapse: 'collapse', width: '100%', background: '#fff' }}>
            <thead>
              <tr style={{ textAlign: 'left' }}>
                {['What', 'Made by', 'Made', 'Expires', 'Password', 'Originals', 'Opened', 'State', ''].map(
                  (h) => (
                    <th key={h} style={{ padding: 6, borderBottom: '1px solid #ddd' }}>
                      {h}
                    </th>
                  ),
                )}
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.id} data-link={l.id}>
                  <td style={{ padding: 6 }}>
                    {l.kind === 'album' ? <a href={`/albums/${l.targetId}`}>{l.targetName}</a> : l.targetName}
                  </td>
                  <td style={{ padding: 6 }}>{l.createdByName ?? l.createdBy}</td>
                  <td style={{ padding: 6 }}>{when(l.createdAt, '')}</td>
                  <td style={{ padding: 6 }}>{when(l.expiresAt, 'never')}</td>
                  <td style={{ padding: 6 }}>{l.hasPassword ? 'yes' : 'no'}</td>
                  <td style={{ padding: 6 }}>{l.allowDownload ? 'allowed' : 'no'}</td>
                  <td style={{ padding: 6 }} className="opens">
                    {l.openCount}
                  </td>
                  <td style={{ padding: 6 }} className="state">
                    {l.status}
                  </td>
                  <td style={{ padding: 6 }}>
                    {l.status === 'active' && (
                      <button
                        type="button"
                        className="revoke"
                        onClick={async () => (await call('POST', `/api/share-links/${l.id}/revoke`), load())}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Every share link of the library. */
export default function SharedLinksPage() {
  return <Shell current="shared-links">{() => <SharedLinks />}</Shell>;
}
