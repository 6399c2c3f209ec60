'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure, api, mediaUrl, silentSignIn, type AssetSummary, type Page } from '../lib/api';
import { placeholderUrl } from '../lib/placeholder';
import { Lightbox } from './Lightbox';

const PAGE = 100;
const REFRESH_MS = 3000;

export interface Filters {
  type: '' | 'image' | 'video';
  favorite: boolean;
  q: string;
  album: string;
}

function query(filters: Filters, cursor: string | null, limit = PAGE): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.type) params.set('type', filters.type);
  if (filters.favorite) params.set('favorite', 'true');
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.album) params.set('album', filters.album);
  if (cursor) params.set('cursor', cursor);
  return `/api/assets?${params}`;
}

function Tile({ asset, onOpen }: { asset: AssetSummary; onOpen: () => void }) {
  const placeholder = placeholderUrl(asset.placeholder);
  return (
    <button
      type="button"
      data-asset={asset.id}
      data-ready={asset.thumbnailReady ? 'yes' : 'no'}
      onClick={onOpen}
      title={asset.fileName}
      style={{
        position: 'relative',
        padding: 0,
        border: 0,
        aspectRatio: '1',
        background: placeholder ? `center / cover url(${placeholder})` : '#d9d6cf',
        cursor: 'pointer',
      }}
    >
      {asset.thumbnailReady && (
        <img
          src={mediaUrl(asset, 'thumbnail')}
          alt={asset.fileName}
          loading="lazy"
          style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }}
        />
      )}
      {asset.type === 'video' && (
        <span
          style={{ position: 'absolute', right: 6, bottom: 4, color: '#fff', textShadow: '0 0 3px #000' }}
        >
          ▶
        </span>
      )}
    </button>
  );
}

/**
 * The timeline grid: keyset pages loaded as the end comes into view, thumbnails as they exist
 * (the ThumbHash until then, refreshed while the worker is still making them), the lightbox on click.
 */
export function Timeline({ filters }: { filters: Filters }) {
  const [items, setItems] = useState<AssetSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const fail = useCallback((e: unknown) => {
    if (e instanceof ApiFailure && e.status === 401) silentSignIn();
    else setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.');
  }, []);

  const loadMore = useCallback(async () => {
    if (loading.current || done) return;
    loading.current = true;
    try {
      const page = await api<Page>(query(filters, cursor));
      setItems((known) => [...known, ...page.items]);
      setCursor(page.nextCursor);
      setDone(page.nextCursor === null);
    } catch (e) {
      fail(e);
      setDone(true);
    } finally {
      loading.current = false;
    }
  }, [filters, cursor, done, fail]);

  useEffect(() => {
    setItems([]);
    setCursor(null);
    setDone(false);
  }, [filters]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && void loadMore(),
      { rootMargin: '800px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore]);

  const waiting = items.some((i) => !i.thumbnailReady);
  useEffect(() => {
    if (!waiting) return;
    // The worker is still making thumbnails: ask again for what is loaded and take the news.
    const timer = setInterval(() => {
      api<Page>(query(filters, null, Math.min(items.length, 500)))
        .then((fresh) => {
          const byId = new Map(fresh.items.map((i) => [i.id, i]));
          setItems((known) => known.map((i) => byId.get(i.id) ?? i));
        })
        .catch(fail);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, filters, items.length, fail]);

  return (
    <section>
      {error && <p role="alert">{error}</p>}
      <div
        id="timeline"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: 4 }}
      >
        {items.map((asset, index) => (
          <Tile key={asset.id} asset={asset} onOpen={() => setOpen(index)} />
        ))}
      </div>
      {done && items.length === 0 && !error && <p>Nothing to show yet.</p>}
      <div ref={sentinel} style={{ height: 1 }} />
      {open !== null && items[open] && (
        <Lightbox
          asset={items[open]}
          onClose={() => setOpen(null)}
          onPrevious={open > 0 ? () => setOpen(open - 1) : undefined}
          onNext={open < items.length - 1 ? () => setOpen(open + 1) : undefined}
        />
      )}
    </section>
  );
}
