'use client';

import { useEffect, useState } from 'react';
import { api, call, ApiFailure, type Album, type Session } from '../lib/api';
import { useDownload } from '../lib/download';

type Undo = { label: string; run: () => Promise<unknown> } | null;

const bar = {
  position: 'sticky' as const,
  top: 0,
  zIndex: 5,
  display: 'flex',
  flexWrap: 'wrap' as const,
  gap: 6,
  alignItems: 'center',
  padding: '8px 10px',
  margin: '8px 0',
  background: '#2f5d50',
  color: '#fff',
  borderRadius: 8,
};

/**
 * What can be done with the selected photos at once, each only for roles that may: download (one
 * zip, or the original of a single one), favorite, archive, add to an album (or remove from this
 * one), move to the trash. A bulk change can be undone from the notice that follows it.
 */
export function SelectionBar({
  session,
  ids,
  albumId,
  onChanged,
  onClear,
}: {
  session: Session;
  ids: string[];
  albumId?: string;
  onChanged: () => void;
  onClear: () => void;
}) {
  const [undo, setUndo] = useState<Undo>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [albums, setAlbums] = useState<Album[]>([]);
  const may = (p: string) => session.permissions.includes(p);
  const download = useDownload(session.csrfToken);

  useEffect(() => {
    if (may('album.edit')) api<Album[]>('/api/albums').then(setAlbums, () => setAlbums([]));
  }, []);

  const run = async (label: string, action: () => Promise<Undo>) => {
    download.clear();
    try {
      const next = await action();
      setUndo(next);
      setNotice(`${label}: ${ids.length} ${ids.length === 1 ? 'item' : 'items'}.`);
      onChanged();
    } catch (e) {
      setNotice(e instanceof ApiFailure ? e.error.message : 'That did not work.');
    }
  };
  const edit = (label: string, changes: Record<string, unknown>) =>
    run(label, async () => {
      const { undoId } = await call<{ undoId: string }>('PATCH', '/api/assets', { ids, changes });
      return { label, run: () => call('POST', `/api/edits/${undoId}/undo`) };
    });

  const shown = download.message ?? (notice ? { text: notice, failed: false } : null);
  if (!ids.length && !shown) return null;
  return (
    <div id="selection-bar" role="toolbar" aria-label="Selection" style={bar}>
      {ids.length > 0 && (
        <>
          <strong id="selected-count">{ids.length} selected</strong>
          {may('asset.download_original') && (
            <button
              type="button"
              id="bulk-download"
              title={ids.length === 1 ? 'Its original file' : 'The selected photos and videos as one zip'}
              disabled={download.busy}
              onClick={() => {
                setNotice(null);
                setUndo(null);
                void download.run({ kind: 'selection', ids });
              }}
            >
              {download.busy ? 'Preparing…' : '⤓ Download'}
            </button>
          )}
          {may('asset.edit') && (
            <>
              <button type="button" onClick={() => void edit('Marked as favorite', { favorite: true })}>
                ♥ Favorite
              </button>
              <button type="button" onClick={() => void edit('Unmarked', { favorite: false })}>
                ♡ Unfavorite
              </button>
              <button
                type="button"
                id="bulk-archive"
                onClick={() => void edit('Archived', { archived: true })}
              >
                Archive
              </button>
            </>
          )}
          {may('album.edit') && albums.length > 0 && (
            <select
              aria-label="Add to album"
              value=""
              onChange={(e) => {
                const target = e.target.value;
                if (!target) return;
                void run('Added to the album', async () => {
                  await call('POST', `/api/albums/${target}/assets`, { ids });
                  return {
                    label: 'Added',
                    run: () => call('POST', `/api/albums/${target}/assets/remove`, { ids }),
                  };
                });
              }}
            >
              <option value="">Add to album…</option>
              {albums.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title}
                </option>
              ))}
            </select>
          )}
          {albumId && may('album.edit') && (
            <button
              type="button"
              onClick={() =>
                void run('Removed from the album', async () => {
                  await call('POST', `/api/albums/${albumId}/assets/remove`, { ids });
                  return {
                    label: 'Removed',
                    run: () => call('POST', `/api/albums/${albumId}/assets`, { ids }),
                  };
                })
              }
            >
              Remove from album
            </button>
          )}
          {may('asset.delete') && (
            <button
              type="button"
              id="bulk-trash"
              onClick={() =>
                void run('Moved to the trash', async () => {
                  await call('POST', '/api/trash', { ids });
                  return { label: 'Moved', run: () => call('POST', '/api/trash/restore', { ids }) };
                })
              }
            >
              🗑 Move to trash
            </button>
          )}
          <button type="button" onClick={onClear}>
            Clear
          </button>
        </>
      )}
      {shown && (
        <span
          role={shown.failed ? 'alert' : 'status'}
          id="selection-notice"
          style={{
            marginLeft: 'auto',
            overflowWrap: 'anywhere',
            ...(shown.failed ? { background: '#fbeaea', color: '#8a1f1f', padding: '2px 8px', borderRadius: 6 } : {}),
          }}
        >
          {shown.text}{' '}
          {undo && !download.message && (
            <button
              type="button"
              id="undo"
              onClick={async () => {
                await undo.run();
                setUndo(null);
                setNotice('Undone.');
                onChanged();
              }}
            >
              Undo
            </button>
          )}
        </span>
      )}
    </div>
  );
}
