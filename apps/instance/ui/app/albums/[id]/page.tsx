'use client';

import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'next/navigation';
import { api, call, ApiFailure, type Album, type Session } from '../../lib/api';
import { Shell } from '../../components/Shell';
import { LibraryTimeline } from '../../components/LibraryTimeline';
import { NO_FILTERS } from '../../components/Timeline';
import { PolicyEditor } from '../../components/PolicyEditor';
import { ShareDialog } from '../../components/ShareDialog';
import { AlbumDetails } from '../../components/AlbumDetails';
import { Comments } from '../../components/Comments';
import { DownloadButton } from '../../components/DownloadButton';

function AlbumView({ id, session }: { id: string; session: Session }) {
  const [album, setAlbum] = useState<Album | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [panel, setPanel] = useState<'share' | 'policy' | 'details' | null>(null);
  const filters = useMemo(() => ({ ...NO_FILTERS, album: id }), [id]);
  const may = (p: string) => session.permissions.includes(p);

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
  const update = async (changes: Record<string, unknown>) => {
    setAlbum(await call<Album>('PATCH', `/api/albums/${id}`, changes));
  };
  return (
    <>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8 }}>
        <h2 id="album-title" style={{ flex: 1, overflowWrap: 'anywhere' }}>
          {album.title}
        </h2>
        {may('album.edit') && (
          <>
            <button
              type="button"
              id="album-rename"
              onClick={() => {
                const title = window.prompt('Album title', album.title);
                if (title?.trim()) void update({ title });
              }}
            >
              Rename
            </button>
            <select
              aria-label="order"
              value={album.order}
              onChange={(e) => void update({ order: e.target.value })}
            >
              <option value="desc">Newest first</option>
              <option value="asc">Oldest first</option>
            </select>
            <button
              type="button"
              id="album-edit-details"
              onClick={() => setPanel(panel === 'details' ? null : 'details')}
            >
              Cover and description
            </button>
            <button
              type="button"
              id="album-policy"
              onClick={() => setPanel(panel === 'policy' ? null : 'policy')}
            >
              Who sees it
            </button>
          </>
        )}
        {may('share_link.create') && (
          <button type="button" id="album-share" onClick={() => setPanel(panel === 'share' ? null : 'share')}>
            Share
          </button>
        )}
        {may('album.delete') && (
          <button
            type="button"
            onClick={async () => {
              if (window.confirm(`Delete the album “${album.title}”? Its photos stay in the library.`)) {
                await call('DELETE', `/api/albums/${id}`);
                window.location.assign('/albums');
              }
            }}
          >
            Delete
          </button>
        )}
        {/* Last: its notice takes a line of its own below the buttons. */}
        {may('asset.download_original') && album.assetCount > 0 && (
          <DownloadButton
            id="album-download"
            label="Download"
            title="The album’s photos and videos as one zip"
            target={{ kind: 'album', id }}
            csrfToken={session.csrfToken}
          />
        )}
      </div>
      {album.description && (
        <p id="album-description-text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {album.description}
        </p>
      )}
      {panel === 'share' && <ShareDialog target={{ albumId: id }} />}
      {panel === 'details' && <AlbumDetails album={album} update={update} />}
      {panel === 'policy' && <PolicyEditor path={`/api/albums/${id}/policy`} />}
      <LibraryTimeline
        session={session}
        filters={filters}
        albumId={id}
        empty="This album is empty: select photos in the timeline and add them."
      />
      <div style={{ maxWidth: 620 }}>
        <Comments target={{ albumId: id }} canComment={may('comment.create')} theme="light" />
      </div>
    </>
  );
}

/** One album's photos and videos, with what its editors may do. */
export default function AlbumPage() {
  const { id } = useParams<{ id: string }>();
  return <Shell current="albums">{(session) => <AlbumView id={id} session={session} />}</Shell>;
}
