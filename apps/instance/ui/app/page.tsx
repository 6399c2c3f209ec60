'use client';

import { useEffect, useState } from 'react';
import { api, type Session } from './lib/api';
import { IndexProgress } from './components/IndexProgress';
import { LibraryTimeline } from './components/LibraryTimeline';
import { Shell } from './components/Shell';
import { NO_FILTERS, type Filters } from './components/Timeline';

function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const [text, setText] = useState(filters.q);
  const [albums, setAlbums] = useState<Array<{ id: string; title: string }>>([]);

  useEffect(() => {
    api<Array<{ id: string; title: string }>>('/api/albums').then(setAlbums, () => setAlbums([]));
  }, []);
  return (
    <form
      style={{ display: 'flex', flexWrap: 'wrap', gap: 8, margin: '12px 0' }}
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

function Library({ session }: { session: Session }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  return (
    <>
      <FilterBar filters={filters} onChange={setFilters} />
      <LibraryTimeline session={session} filters={filters} />
    </>
  );
}

/** The library's timeline with its filters and, for those who may index, the index progress. */
export default function Home() {
  return (
    <Shell current="timeline">
      {(session) => (
        <>
          {session.permissions.includes('library.index') && <IndexProgress />}
          <Library session={session} />
        </>
      )}
    </Shell>
  );
}
