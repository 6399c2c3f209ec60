'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, call, ApiFailure, type Session } from '../lib/api';
import { placeholderUrl } from '../lib/placeholder';
import { Shell } from '../components/Shell';

interface Trashed {
  id: string;
  fileName: string;
  path: string;
  placeholder: string | null;
  thumbnailReady: boolean;
  version: string;
  deletedAt: string;
}

function Trash({ session }: { session: Session }) {
  const [items, setItems] = useState<Trashed[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [deleteOriginals, setDeleteOriginals] = useState<boolean | null>(null);
  const admin = session.permissions.includes('settings.library');

  const load = useCallback(async () => {
    const page = await api<{ items: Trashed[] }>('/api/trash?limit=500');
    setItems(page.items);
    setSelected(new Set());
  }, []);
  useEffect(() => {
    void load();
    if (admin)
      api<{ deleteOriginals: boolean }>('/api/trash/settings').then((s) =>
        setDeleteOriginals(s.deleteOriginals),
      );
  }, [load, admin]);

  const act = async (what: () => Promise<string>) => {
    try {
      setNotice(await what());
      await load();
    } catch (e) {
      setNotice(e instanceof ApiFailure ? e.error.message : 'That did not work.');
    }
  };
  const ids = [...selected];
  return (
    <>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8 }}>
        <h2 style={{ flex: 1 }}>Trash</h2>
        {ids.length > 0 && (
          <button
            type="button"
            id="restore"
            onClick={() =>
              void act(async () => {
                const { count } = await call<{ count: number }>('POST', '/api/trash/restore', { ids });
                return `${count} restored.`;
              })
            }
          >
            Restore {ids.length}
          </button>
        )}
        {items && items.length > 0 && (
          <button
            type="button"
            id="empty-trash"
            style={{ background: '#8a2f2f', color: '#fff', border: 0, borderRadius: 6, padding: '6px 12px' }}
            onClick={() => {
              const what = ids.length ? `${ids.length} selected` : 'everything in the trash';
              if (!window.confirm(`Delete ${what} for good? A re-scan will not bring it back.`)) return;
              void act(async () => {
                const r = await call<{ count: number; filesRemoved: number }>(
                  'POST',
                  '/api/trash/empty',
                  ids.length ? { ids } : {},
                );
                return `${r.count} deleted for good; ${r.filesRemoved} ${r.filesRemoved === 1 ? 'file' : 'files'} removed from disk.`;
              });
            }}
          >
            {ids.length ? 'Delete selected for good' : 'Empty trash'}
          </button>
        )}
      </div>
      <p style={{ color: '#555', fontSize: 14 }}>
        Deleting for good leaves a tombstone, so indexing never brings the file back. Files are removed from
        disk only when they were uploaded into an upload path
        {deleteOriginals ? ', or anywhere, since this library deletes originals' : ''}.
      </p>
      {admin && deleteOriginals !== null && (
        <label style={{ display: 'block', marginBottom: 10 }}>
          <input
            type="checkbox"
            id="delete-originals"
            checked={deleteOriginals}
            onChange={async (e) => {
              const next = await call<{ deleteOriginals: boolean }>('PUT', '/api/trash/settings', {
                deleteOriginals: e.target.checked,
              });
              setDeleteOriginals(next.deleteOriginals);
            }}
          />{' '}
          Also remove originals outside upload paths when the trash is emptied (library setting)
        </label>
      )}
      {notice && (
        <p role="status" id="trash-notice">
          {notice}
        </p>
      )}
      {items && items.length === 0 && <p id="trash-empty">The trash is empty.</p>}
      <div
        id="trash"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))', gap: 6 }}
      >
        {items?.map((item) => {
          const on = selected.has(item.id);
          const placeholder = placeholderUrl(item.placeholder);
          return (
            <button
              key={item.id}
              type="button"
              data-asset={item.id}
              aria-pressed={on}
              title={item.path}
              onClick={() =>
                setSelected((s) => {
                  const next = new Set(s);
                  if (next.has(item.id)) next.delete(item.id);
                  else next.add(item.id);
                  return next;
                })
              }
              style={{
                padding: 0,
                border: on ? '3px solid #2f5d50' : '3px solid transparent',
                background: '#fff',
                textAlign: 'left',
                cursor: 'pointer',
              }}
            >
              <div
                style={{
                  aspectRatio: '1',
                  background: placeholder ? `center / cover url(${placeholder})` : '#d9d6cf',
                }}
              >
                {item.thumbnailReady && (
                  <img
                    src={`/api/trash/${item.id}/thumbnail?v=${item.version}`}
                    alt={item.fileName}
                    loading="lazy"
                    style={{ width: '100%', height: '100%', objectFit: 'cover', opacity: 0.8 }}
                  />
                )}
              </div>
              <span
                style={{
                  display: 'block',
                  fontSize: 12,
                  padding: 4,
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                {item.fileName} · {new Date(item.deletedAt).toLocaleDateString()}
              </span>
            </button>
          );
        })}
      </div>
    </>
  );
}

/** What was deleted: restore it, or delete it for good. */
export default function TrashPage() {
  return <Shell current="trash">{(session) => <Trash session={session} />}</Shell>;
}
