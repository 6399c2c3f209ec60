'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import justifiedLayout from 'justified-layout';
import {
  ApiFailure,
  api,
  mediaUrl,
  silentSignIn,
  type AssetSummary,
  type Month,
  type Page,
} from '../lib/api';
import { placeholderUrl } from '../lib/placeholder';
import { Lightbox } from './Lightbox';
import { Scrubber } from './Scrubber';

const PAGE = 100;
const REFRESH_MS = 3000;
/** A failed page is asked for again this many times, after 2 s, 4 s, 6 s… */
const RETRIES = 5;
const RETRY_MS = 2000;
const ROW_HEIGHT = 200;

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

export interface TimelineProps {
  filters: Filters;
  empty?: string;
  /** Where the API lives: `/api` signed in, `/api/share/<token>` for a link's visitor. */
  base?: string;
  /** Selecting many (click, shift-click, keyboard) for bulk actions; the bar is drawn by the caller. */
  onSelection?: (ids: string[]) => void;
  /** Changes from outside (a bulk action) ask for the pages again. */
  reloadKey?: number;
  /** Lightbox extras for signed-in people: editing and comments. */
  canEdit?: boolean;
  canComment?: boolean;
}

function query(
  base: string,
  filters: Filters,
  cursor: string | null,
  to: string | null,
  limit = PAGE,
): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.type) params.set('type', filters.type);
  if (filters.favorite) params.set('favorite', 'true');
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.album && base === '/api') params.set('album', filters.album);
  if (filters.folder !== null) params.set('folder', filters.folder);
  if (to) params.set('to', to);
  if (cursor) params.set('cursor', cursor);
  return `${base}/assets?${params}`;
}

/** The day an asset belongs to (UTC, as the month index counts). */
const dayOf = (a: AssetSummary) => a.sortAt.slice(0, 10);
const monthLabel = (day: string) =>
  new Date(`${day.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

interface Day {
  day: string;
  items: Array<{ asset: AssetSummary; index: number }>;
}

function groupByDay(items: AssetSummary[]): Day[] {
  const days: Day[] = [];
  items.forEach((asset, index) => {
    const day = dayOf(asset);
    const last = days[days.length - 1];
    if (last && last.day === day) last.items.push({ asset, index });
    else
      days.push({
        day,
        items: [{ asset, index }],
      });
  });
  return days;
}

function byMonth(days: Day[]): Array<{ month: string; days: Day[] }> {
  const months: Array<{ month: string; days: Day[] }> = [];
  for (const day of days) {
    const month = day.day.slice(0, 7);
    const last = months[months.length - 1];
    if (last && last.month === month) last.days.push(day);
    else months.push({ month, days: [day] });
  }
  return months;
}

const aspect = (a: AssetSummary) => (a.width && a.height ? a.width / a.height : 1);

interface TileProps {
  asset: AssetSummary;
  index: number;
  box: { top: number; left: number; width: number; height: number };
  base: string;
  selected: boolean;
  selecting: boolean;
  /** Tiles carry a select mark (signed-in screens with bulk actions). */
  selectable: boolean;
  onActivate: (index: number, e: React.MouseEvent | React.KeyboardEvent, select: boolean) => void;
  onKey: (index: number, e: React.KeyboardEvent) => void;
}

function Tile({ asset, index, box, base, selected, selecting, selectable, onActivate, onKey }: TileProps) {
  const placeholder = placeholderUrl(asset.placeholder);
  return (
    <div
      role="button"
      tabIndex={0}
      data-asset={asset.id}
      data-index={index}
      data-ready={asset.thumbnailReady ? 'yes' : 'no'}
      aria-pressed={selecting ? selected : undefined}
      aria-label={asset.fileName}
      title={asset.fileName}
      onClick={(e) => onActivate(index, e, selecting || e.shiftKey || e.ctrlKey || e.metaKey)}
      onKeyDown={(e) => onKey(index, e)}
      style={{
        position: 'absolute',
        ...box,
        background: placeholder ? `center / cover url(${placeholder})` : '#d9d6cf',
        cursor: 'pointer',
        outline: selected ? '3px solid #2f5d50' : undefined,
        outlineOffset: -3,
      }}
    >
      {asset.thumbnailReady && (
        <img
          src={mediaUrl(asset, 'thumbnail', base)}
          alt={asset.fileName}
          loading="lazy"
          style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }}
        />
      )}
      {selectable && (
        <button
          type="button"
          className="select"
          aria-label={selected ? 'Deselect' : 'Select'}
          onClick={(e) => {
            e.stopPropagation();
            onActivate(index, e, true);
          }}
          style={{
            position: 'absolute',
            left: 6,
            top: 6,
            width: 22,
            height: 22,
            borderRadius: 11,
            border: '2px solid #fff',
            background: selected ? '#2f5d50' : 'rgba(0,0,0,.25)',
            color: '#fff',
            fontSize: 12,
            lineHeight: '16px',
            padding: 0,
            opacity: selecting || selected ? 1 : 0.7,
          }}
        >
          {selected ? '✓' : ''}
        </button>
      )}
      {asset.favorite && (
        <span style={{ position: 'absolute', right: 6, top: 4, color: '#fff', textShadow: '0 0 3px #000' }}>
          ♥
        </span>
      )}
      {asset.type === 'video' && (
        <span
          style={{ position: 'absolute', right: 6, bottom: 4, color: '#fff', textShadow: '0 0 3px #000' }}
        >
          ▶
        </span>
      )}
    </div>
  );
}

/** One day's photos in a justified layout (Flickr's justified-layout): every tile keeps its aspect ratio. */
function DayRows(
  props: { day: Day; width: number } & Omit<TileProps, 'asset' | 'index' | 'box' | 'selected'> & {
      selected: Set<string>;
    },
) {
  const { day, width, selected, ...tile } = props;
  const layout = useMemo(
    () =>
      justifiedLayout(
        day.items.map((i) => aspect(i.asset)),
        {
          containerWidth: width,
          targetRowHeight: width < 600 ? 130 : ROW_HEIGHT,
          boxSpacing: 4,
          containerPadding: 0,
        },
      ),
    [day.items, width],
  );
  // A day that fills less than a row keeps its own width, so that short days sit side by side.
  const used = Math.ceil(Math.max(0, ...layout.boxes.map((b) => b.left + b.width)));
  return (
    <div className="day-grid" style={{ position: 'relative', height: layout.containerHeight, width: used }}>
      {day.items.map(({ asset, index }, n) => (
        <Tile
          key={asset.id}
          asset={asset}
          index={index}
          box={layout.boxes[n]!}
          selected={selected.has(asset.id)}
          {...tile}
        />
      ))}
    </div>
  );
}

/**
 * The timeline: keyset pages loaded as the end comes into view, grouped by month and day with
 * headings, each day in a justified layout; thumbnails as they exist (the ThumbHash until then);
 * a scrubber over the month index to jump; selection by click, shift-click and keyboard; the
 * lightbox on opening.
 */
export function Timeline({
  filters,
  empty = 'Nothing to show yet.',
  base = '/api',
  onSelection,
  reloadKey = 0,
  canEdit,
  canComment,
}: TimelineProps) {
  const [items, setItems] = useState<AssetSummary[]>([]);
  const [done, setDone] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [months, setMonths] = useState<Month[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [width, setWidth] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const anchor = useRef<number | null>(null);
  // Where the next page starts, kept outside React's state so that a callback holding an older
  // render can never ask for a page twice; `generation` drops answers for earlier filters.
  const pages = useRef({ cursor: null as string | null, done: false, loading: false, generation: 0 });
  const sentinel = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const pendingJump = useRef<string | null>(null);

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ApiFailure && e.status === 401 && base === '/api') silentSignIn();
      else setError(e instanceof ApiFailure ? e.error.message : 'The library cannot be reached.');
    },
    [base],
  );

  const loadMore = useCallback(async () => {
    const state = pages.current;
    if (state.loading || state.done) return;
    state.loading = true;
    const generation = state.generation;
    try {
      const page = await api<Page>(query(base, filters, state.cursor, from));
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
  }, [filters, fail, base, from]);

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
  }, [filters, from, reloadKey]);

  useEffect(() => {
    setFrom(null);
    setSelected(new Set());
  }, [filters, reloadKey]);

  useEffect(() => {
    const params = new URLSearchParams();
    if (filters.type) params.set('type', filters.type);
    if (filters.favorite) params.set('favorite', 'true');
    if (filters.q.trim()) params.set('q', filters.q.trim());
    if (filters.album && base === '/api') params.set('album', filters.album);
    if (filters.folder !== null) params.set('folder', filters.folder);
    api<Month[]>(`${base}/${base === '/api' ? 'assets/' : ''}months?${params}`).then(setMonths, () =>
      setMonths([]),
    );
  }, [filters, base, reloadKey]);

  useEffect(() => onSelection?.([...selected]), [selected, onSelection]);

  useEffect(() => {
    const target = grid.current;
    if (!target) return;
    const observer = new ResizeObserver(() => setWidth(target.clientWidth));
    observer.observe(target);
    setWidth(target.clientWidth);
    return () => observer.disconnect();
  }, []);

  // Observed afresh after each page: the end may still be in view, and then the next page follows.
  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && void loadMore(),
      {
        rootMargin: '800px',
      },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, items.length]);

  const waiting = items.some((i) => !i.thumbnailReady);
  useEffect(() => {
    if (!waiting) return;
    // The worker is still making thumbnails: ask again for what is loaded and take the news.
    const timer = setInterval(() => {
      api<Page>(query(base, filters, null, from, Math.min(items.length, 500)))
        .then((fresh) => {
          const byId = new Map(fresh.items.map((i) => [i.id, i]));
          setItems((known) => known.map((i) => byId.get(i.id) ?? i));
        })
        .catch(fail);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, filters, items.length, fail, base, from]);

  // A jump lands once the month's heading exists.
  useEffect(() => {
    const month = pendingJump.current;
    if (!month) return;
    const heading = document.getElementById(`month-${month}`);
    if (heading) {
      pendingJump.current = null;
      heading.scrollIntoView({ block: 'start' });
    }
  }, [items]);

  const jump = (month: string) => {
    if (document.getElementById(`month-${month}`)) {
      document.getElementById(`month-${month}`)!.scrollIntoView({ block: 'start' });
      return;
    }
    // Not loaded yet: start the keyset pages at the end of that month.
    const [y, m] = month.split('-').map(Number) as [number, number];
    pendingJump.current = month;
    setFrom(new Date(Date.UTC(y, m, 1)).toISOString());
  };

  const activate = (index: number, e: React.MouseEvent | React.KeyboardEvent, select: boolean) => {
    if (!select || !onSelection) {
      setOpen(index);
      return;
    }
    setSelected((current) => {
      const next = new Set(current);
      if (e.shiftKey && anchor.current !== null) {
        const [lo, hi] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
        for (let i = lo; i <= hi; i++) next.add(items[i]!.id);
      } else {
        const id = items[index]!.id;
        if (next.has(id)) next.delete(id);
        else next.add(id);
        anchor.current = index;
      }
      return next;
    });
  };

  const focusTile = (index: number) =>
    (document.querySelector(`#timeline [data-index="${index}"]`) as HTMLElement | null)?.focus();

  const onKey = (index: number, e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') setOpen(index);
    else if (e.key === ' ' && onSelection) {
      e.preventDefault();
      activate(index, e, true);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const next = Math.max(0, Math.min(items.length - 1, index + (e.key === 'ArrowRight' ? 1 : -1)));
      focusTile(next);
      if (e.shiftKey && onSelection) activate(next, e, true);
    } else if (e.key === 'Escape') setSelected(new Set());
    else if (e.key === 'a' && (e.ctrlKey || e.metaKey) && onSelection) {
      e.preventDefault();
      setSelected(new Set(items.map((i) => i.id)));
    }
  };

  const days = useMemo(() => groupByDay(items), [items]);
  return (
    <section style={{ display: 'flex', gap: 8 }}>
      <div style={{ flex: 1, minWidth: 0 }}>
        {error && (
          <p role="alert" id="timeline-error">
            {error}{' '}
            <button type="button" id="timeline-retry" onClick={() => void loadMore()}>
              Try again
            </button>
          </p>
        )}
        {from && (
          <p id="timeline-from" style={{ fontSize: 14 }}>
            Showing {monthLabel(new Date(new Date(from).getTime() - 1).toISOString().slice(0, 10))} and
            before.{' '}
            <button type="button" onClick={() => setFrom(null)}>
              Back to the newest
            </button>
          </p>
        )}
        <div id="timeline" ref={grid}>
          {width > 0 &&
            byMonth(days).map((month) => (
              <div key={month.month}>
                <h2
                  id={`month-${month.month}`}
                  className="month-heading"
                  style={{ fontSize: 20, margin: '18px 0 4px' }}
                >
                  {monthLabel(`${month.month}-01`)}
                </h2>
                <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: 14 }}>
                  {month.days.map((day) => (
                    <div key={day.day} className="day" data-day={day.day} style={{ maxWidth: '100%' }}>
                      <h3
                        className="day-heading"
                        style={{ fontSize: 14, fontWeight: 500, color: '#555', margin: '8px 0 6px' }}
                      >
                        {dayLabel(day.day)}
                      </h3>
                      <DayRows
                        day={day}
                        width={width}
                        base={base}
                        selected={selected}
                        selecting={selected.size > 0}
                        selectable={onSelection !== undefined}
                        onActivate={activate}
                        onKey={onKey}
                      />
                    </div>
                  ))}
                </div>
              </div>
            ))}
        </div>
        {done && items.length === 0 && !error && <p id="timeline-empty">{empty}</p>}
        <div ref={sentinel} style={{ height: 1 }} />
      </div>
      {months.length > 1 && <Scrubber months={months} onJump={jump} />}
      {open !== null && items[open] && (
        <Lightbox
          asset={items[open]}
          base={base}
          canEdit={canEdit}
          canComment={canComment}
          onClose={() => setOpen(null)}
          onPrevious={open > 0 ? () => setOpen(open - 1) : undefined}
          onNext={open < items.length - 1 ? () => setOpen(open + 1) : undefined}
        />
      )}
    </section>
  );
}
