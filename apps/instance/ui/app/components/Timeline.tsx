'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure, api, mediaUrl, silentSignIn, type AssetSummary, type Page } from '../lib/api';
import { placeholderUrl } from '../lib/placeholder';
import { Lightbox } from './Lightbox';

const PAGE = 100;
const REFRESH_MS = 3000;
/** A failed page is asked for again this many times, after 2 s, 4 s, 6 s… */
const RETRIES = 5;
const RETRY_MS = 2000;

export interface Filters {
  type: '' | 'image' | 'video';
  favorite: boolean;
  q: string;
  album: string;
  /** Only assets directly in this folder; `null` for any. */
  folder: string | null;
}

/** The whole timeline. */
export const NO_FILTERS: Filters = { type: '', favorite: false, q: '', album: '', folder: null };

function query(filters: Filters, cursor: string | null, limit = PAGE): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.type) params.set('type', filters.type);
  if (filters.favorite) params.set('favorite', 'true');
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.album) params.set('album', filters.album);
  if (filters.folder !== null) params.set('folder', filters.folder);
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
export function Timeline({ filters, empty = 'Nothing to show yet.' }: { filters: Filters; empty?: string }) {
  const [items, setItems] = useState<AssetSummary[]>([]);
  const [done, setDone] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // Where the next page starts, kept outside React's state so that a callback holding an older
  // render can never ask for a page twice; `generation` drops answers for earlier filters.
  const pages = useRef({ cursor: null as string | null, done: false, loading: false, generation: 0 });
  const sentinel = useRef<HTMLDivElement>(null);

  const fail = useCallback((e: unknown) => {
    if (e instanceof ApiFailure && e.status === 401) silentSignIn();
    else setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.');
  }, []);

  const loadMore = useCallback(async () => {
    const state = pages.current;
    if (state.loading || state.done) return;
    state.loading = true;
    const generation = state.generation;
    try {
      const page = await api<Page>(query(filters, state.cursor));
      if (generation !== state.generation) return;
      state.cursor = page.nextCursor;
      state.done = page.nextCursor === null;
      setItems((known) => {
        const seen = new Set(known.map((i) => i.id));
        return [...known, ...page.items.filter((i) => !seen.has(i.id))];
      });
      setDone(state.done);
      setError(null);
      setAttempt(0);
    } catch (e) {
      if (generation !== state.generation) return;
      fail(e);
      // A busy or restarting server: ask for the same page again shortly rather than stop scrolling.
      setAttempt((n) => n + 1);
    } finally {
      if (generation === state.generation) state.loading = false;
    }
  }, [filters, fail]);

  useEffect(() => {
    if (attempt === 0 || attempt > RETRIES) return;
    const timer = setTimeout(() => void loadMore(), RETRY_MS * attempt);
    return () => clearTimeout(timer);
  }, [attempt, loadMore]);

  useEffect(() => {
    pages.current = { cursor: null, done: false, loading: false, generation: pages.current.generation + 1 };
    setItems([]);
    setDone(false);
    setAttempt(0);
  }, [filters]);

  // Observed afresh after each page: the end may still be in view, and then the next page follows.
  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && void loadMore(),
      { rootMargin: '800px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, items.length]);

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
      {error && (
        <p role="alert" id="timeline-error">
          {error}{' '}
          <button type="button" id="timeline-retry" onClick={() => void loadMore()}>
            Try again
          </button>
        </p>
      )}
      <div
        id="timeline"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: 4 }}
      >
        {items.map((asset, index) => (
          <Tile key={asset.id} asset={asset} onOpen={() => setOpen(index)} />
        ))}
      </div>
      {done && items.length === 0 && !error && <p id="timeline-empty">{empty}</p>}
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
