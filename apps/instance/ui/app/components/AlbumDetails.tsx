'use client';

import { useEffect, useState } from 'react';
import { api, mediaUrl, ApiFailure, type Album, type AssetSummary, type Page } from '../lib/api';

const box = {
  background: '#fff',
  border: '1px solid #e2dfd8',
  borderRadius: 8,
  padding: 12,
  margin: '8px 0',
  maxWidth: 620,
};
const PICKS = 60;

/**
 * An album editor's panel for what the album says of itself: its description and its cover,
 * picked from the album's own photos (the newest {@link PICKS}; "Newest photo" lets the cover
 * follow the album again).
 */
export function AlbumDetails({
  album,
  update,
}: {
  album: Album;
  update: (changes: Record<string, unknown>) => Promise<void>;
}) {
  const [description, setDescription] = useState(album.description ?? '');
  const [photos, setPhotos] = useState<AssetSummary[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const params = new URLSearchParams({ album: album.id, limit: String(PICKS) });
    api<Page>(`/api/assets?${params}`).then(
      (p) => setPhotos(p.items),
      () => setPhotos([]),
    );
  }, [album.id]);
  const save = async (changes: Record<string, unknown>, done: string) => {
    try {
      await update(changes);
      setNotice(done);
    } catch (e) {
      setNotice(e instanceof ApiFailure ? e.error.message : 'Saving did not work.');
    }
  };
  return (
    <div id="album-details" style={box}>
      <form
        id="album-description"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ description: description.trim() || null }, 'Description saved.');
        }}
      >
        <label>
          Description
          <textarea
            name="description"
            value={description}
            maxLength={5000}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
            style={{ width: '100%', boxSizing: 'border-box', font: 'inherit', padding: 6 }}
          />
        </label>
        <button type="submit">Save description</button>
      </form>
      <h3 style={{ fontSize: 15, margin: '12px 0 4px' }}>Cover</h3>
      {photos === null ? (
        <p>Loading…</p>
      ) : photos.length === 0 ? (
        <p id="cover-empty">Add photos to this album to pick its cover.</p>
      ) : (
        <div id="cover-picker" style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
          <button
            type="button"
            data-cover=""
            onClick={() => void save({ coverId: null }, 'The cover is the newest photo again.')}
            style={{ width: 72, height: 72, fontSize: 12 }}
          >
            Newest photo
          </button>
          {photos.map((p) => (
            <button
              type="button"
              key={p.id}
              data-cover={p.id}
              aria-pressed={album.coverId === p.id}
              title={p.fileName}
              onClick={() => void save({ coverId: p.id }, `Cover: ${p.fileName}.`)}
              style={{
                padding: 0,
                width: 72,
                height: 72,
                border: album.coverId === p.id ? '3px solid #2f5d50' : '1px solid #ccc',
                borderRadius: 6,
                overflow: 'hidden',
                background: '#eee',
              }}
            >
              <img
                src={mediaUrl(p, 'thumbnail')}
                alt={p.fileName}
                style={{ width: '100%', height: '100%', objectFit: 'cover' }}
              />
            </button>
          ))}
        </div>
      )}
      {notice && (
        <p role="status" id="album-details-notice">
          {notice}
        </p>
      )}
    </div>
  );
}
