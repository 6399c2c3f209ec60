'use client';

import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'next/navigation';
import { api, ApiFailure, type Album } from '../../lib/api';
import { Shell } from '../../components/Shell';
import { Timeline, NO_FILTERS } from '../../components/Timeline';

function AlbumView({ id }: { id: string }) {
  const [album, setAlbum] = useState<Album | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filters = useMemo(() => ({ ...NO_FILTERS, album: id }), [id]);

  useEffect(() => {
    api<Album>(`/api/albums/${encodeURIComponent(id)}`).then(setAlbum, (e) =>
      setError(
        e instanceof ApiFailure && e.status === 404
          ? 'This album does not exist or is not shared with you.'
          : 'The library cannot be reached.',
      ),
    );
  }, [id]);
  if (error)
    return (
      <p role="alert" id="album-error">
        {error}
      </p>
    );
  if (!album) return <p>Loading…</p>;
  return (
    <>
      <h2 id="album-title" style={{ overflowWrap: 'anywhere' }}>
        {album.title}
      </h2>
      {album.description && <p>{album.description}</p>}
      <Timeline filters={filters} empty="This album is empty." />
    </>
  );
}

/** One album's photos and videos. */
export default function AlbumPage() {
  const { id } = useParams<{ id: string }>();
  return <Shell current="albums">{() => <AlbumView id={id} />}</Shell>;
}
