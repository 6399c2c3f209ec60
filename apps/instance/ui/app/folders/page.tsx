'use client';

import { useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, type Session } from '../lib/api';
import { Shell } from '../components/Shell';
import { LibraryTimeline } from '../components/LibraryTimeline';
import { NO_FILTERS } from '../components/Timeline';
import { DownloadButton } from '../components/DownloadButton';

interface Folder {
  path: string;
  name: string;
  count: number;
}

/** Where browsing starts: a contributor's or guest's base path, the originals' root for others. */
function rootOf(session: Session): string {
  const scoped = session.role === 'contributor' || session.role === 'guest';
  return scoped && session.basePath ? session.basePath.replace(/^\/+|\/+$/g, '') : '';
}

function Crumbs({ root, path, onOpen }: { root: string; path: string; onOpen: (p: string) => void }) {
  const below = path.slice(root.length).split('/').filter(Boolean);
  const steps = below.map((name, i) => ({
    name,
    path: [root, ...below.slice(0, i + 1)].filter(Boolean).join('/'),
  }));
  return (
    <p
      id="folder-path"
      style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center', flex: '1 1 240px' }}
    >
      <button type="button" onClick={() => onOpen(root)}>
        {root || 'All folders'}
      </button>
      {steps.map((s) => (
        <span key={s.path}>
          /{' '}
          <button type="button" onClick={() => onOpen(s.path)}>
            {s.name}
          </button>
        </span>
      ))}
    </p>
  );
}

function Folders({ session }: { session: Session }) {
  const root = rootOf(session);
  const [path, setPath] = useState(() => new URLSearchParams(window.location.search).get('path') ?? root);
  const [folders, setFolders] = useState<Folder[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filters = useMemo(() => ({ ...NO_FILTERS, folder: path }), [path]);

  useEffect(() => {
    setFolders(null);
    api<Folder[]>(`/api/folders?parent=${encodeURIComponent(path)}`).then(
      (list) => {
        setFolders(list);
        setError(null);
      },
      (e) => setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.'),
    );
  }, [path]);

  const open = (next: string) => {
    setPath(next);
    window.history.replaceState(
      null,
      '',
      next === root ? '/folders' : `/folders?path=${encodeURIComponent(next)}`,
    );
  };
  return (
    <>
      <h2>Folders</h2>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8 }}>
        <Crumbs root={root} path={path} onOpen={open} />
        {session.permissions.includes('asset.download_original') && (
          <DownloadButton
            key={path}
            id="folder-download"
            label={path ? 'Download folder' : 'Download all'}
            title="This folder and its subfolders as one zip, folders kept"
            target={{ kind: 'folder', path }}
            csrfToken={session.csrfToken}
          />
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      <ul
        id="folders"
        style={{
          listStyle: 'none',
          padding: 0,
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
          gap: 8,
        }}
      >
        {folders?.map((f) => (
          <li key={f.path}>
            <button
              type="button"
              data-folder={f.path}
              onClick={() => open(f.path)}
              style={{
                width: '100%',
                textAlign: 'left',
                padding: '10px 12px',
                background: '#fff',
                border: '1px solid #e2dfd8',
                borderRadius: 8,
                cursor: 'pointer',
              }}
            >
              <span
                style={{
                  display: 'block',
                  fontWeight: 600,
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                📁 {f.name}
              </span>
              <span className="count" style={{ fontSize: 13, color: '#666' }}>
                {f.count} {f.count === 1 ? 'item' : 'items'}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {folders && folders.length === 0 && <p style={{ color: '#666' }}>No folders below this one.</p>}
      <h3 style={{ fontSize: 16 }}>In this folder</h3>
      <LibraryTimeline
        session={session}
        filters={filters}
        empty="No photos or videos directly in this folder."
      />
    </>
  );
}

/** The originals by folder, with counts; only what the viewer may see. */
export default function FoldersPage() {
  return <Shell current="folders">{(session) => <Folders session={session} />}</Shell>;
}
