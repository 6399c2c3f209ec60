'use client';

import { useState } from 'react';
import { call, ApiFailure, type ShareLink } from '../lib/api';

const box = {
  background: '#fff',
  border: '1px solid #e2dfd8',
  borderRadius: 8,
  padding: 12,
  margin: '8px 0',
  display: 'grid',
  gap: 8,
  maxWidth: 520,
};

/** Makes a share link: expiry, optional password, originals allowed or not; shows the link once. */
export function ShareDialog({ target }: { target: { albumId?: string; assetId?: string } }) {
  const [days, setDays] = useState('7');
  const [password, setPassword] = useState('');
  const [allowDownload, setAllowDownload] = useState(false);
  const [made, setMade] = useState<ShareLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      id="share-dialog"
      style={box}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          setMade(
            await call<ShareLink>('POST', '/api/share-links', {
              ...target,
              expiresAt: days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null,
              ...(password ? { password } : {}),
              allowDownload,
            }),
          );
          setError(null);
        } catch (err) {
          setError(err instanceof ApiFailure ? err.error.message : 'That did not work.');
        }
      }}
    >
      <label>
        Expires{' '}
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="1">in a day</option>
          <option value="7">in a week</option>
          <option value="30">in a month</option>
          <option value="">never</option>
        </select>
      </label>
      <label>
        Password (optional){' '}
        <input type="password" value={password} minLength={4} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label>
        <input type="checkbox" checked={allowDownload} onChange={(e) => setAllowDownload(e.target.checked)} />{' '}
        Allow downloading originals
      </label>
      <span id="share-download-hint" style={{ fontSize: 13, color: '#666', marginTop: -4 }}>
        {allowDownload
          ? target.albumId
            ? 'Visitors get a “Download all” button: the album as a zip of its originals.'
            : 'Visitors get a “Download” button for the original file.'
          : 'Visitors can look, but get no download button, not even for previews.'}
      </span>
      <button type="submit">Make link</button>
      {error && <p role="alert">{error}</p>}
      {made?.url && (
        <p>
          The link (copy it now, it is shown only once):{' '}
          <input
            id="share-url"
            readOnly
            value={made.url}
            style={{ width: '100%' }}
            onFocus={(e) => e.target.select()}
          />
        </p>
      )}
    </form>
  );
}
