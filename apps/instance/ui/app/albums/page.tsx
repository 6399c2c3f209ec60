'use client';

import { useEffect, useState } from 'react';
import { api, call, ApiFailure, type Album, type Session } from '../lib/api';
import { Shell } from '../components/Shell';

function Cover({ album }: { album: Album }) {
  return (
    <div style={{ aspectRatio: '1', background: '#d9d6cf', borderRadius: 8, overflow: 'hidden' }}>
      {album.coverId && (
        <img
          src={`/api/assets/${album.coverId}/thumbnail`}
          alt=""
          loading="lazy"
          style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }}
        />
      )}
    </div>
  );
}

function Albums({ session }: { session: Session }) {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Album[]>('/api/albums').then(setAlbums, (e) =>
      setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.'),
    );
  }, []);
  return (
    <>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
        <h2 style={{ flex: 1 }}>Albums</h2>
        {session.permissions.includes('album.create') && (
          <button
            type="button"
            id="album-create"
            onClick={async () => {
              const title = window.prompt('Title of the new album');
              if (!title?.trim()) return;
              const album = await call<Album>('POST', '/api/albums', { title });
              window.location.assign(`/albums/${album.id}`);
            }}
          >
            New album
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      {albums && albums.length === 0 && <p id="albums-empty">No albums here yet.</p>}
      <ul
        id="albums"
        style={{
          listStyle: 'none',
          padding: 0,
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
          gap: 14,
        }}
      >
        {albums?.map((album) => (
          <li key={album.id}>
            <a
              href={`/albums/${album.id}`}
              data-album={album.id}
              style={{ color: 'inherit', textDecoration: 'none' }}
            >
              <Cover album={album} />
              <span
                style={{
                  display: 'block',
                  fontWeight: 600,
                  marginTop: 6,
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                {album.title}
              </span>
              <span style={{ fontSize: 13, color: '#666' }}>
                {album.assetCount} {album.assetCount === 1 ? 'item' : 'items'}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Every album the viewer may see. */
export default function AlbumsPage() {
  return <Shell current="albums">{(session) => <Albums session={session} />}</Shell>;
}
