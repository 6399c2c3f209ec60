import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '@atrium/policy';
import { LIVE_ASSET, assetVisibility } from './access.repository.js';
import { SqlParams, likeEscape } from './sql.js';
import { withClause } from './visibility.sql.js';

/** Where a page starts: after this asset in timeline order (newest first). */
export interface TimelineCursor {
  /** `sort_at` in microseconds since the epoch, exactly as stored. */
  sortUs: string;
  id: string;
}

/** Filters of the timeline; each narrows what the viewer may see anyway. */
export interface TimelineFilters {
  albumId?: string;
  folder?: string;
  type?: 'image' | 'video';
  favorite?: boolean;
  tag?: string;
  /** Taken at or after. */
  from?: Date;
  /** Taken before. */
  to?: Date;
  /** Words in the file name, title or path. */
  text?: string;
  /** Oldest first instead of newest first (an album's order). */
  ascending?: boolean;
}

export interface TimelineRow {
  id: string;
  mediaType: 'image' | 'video';
  mime: string;
  fileName: string;
  takenAt: Date | null;
  sortAt: Date;
  sortUs: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  favorite: boolean;
  placeholder: string | null;
  hasThumbnail: boolean;
  contentHash: string;
  /** Goes up when a derivative is replaced or forgotten: part of the media URLs' version. */
  derivativesRev: number;
}

/** One asset with everything the detail view shows. */
export interface AssetRecord extends TimelineRow {
  path: string;
  folder: string;
  size: number;
  mtime: Date;
  timeZone: string | null;
  make: string | null;
  model: string | null;
  latitude: number | null;
  longitude: number | null;
  metadata: Record<string, unknown> | null;
  derivatives: Record<string, string>;
  playback: string | null;
  failures: Record<string, string>;
  private: boolean;
  archived: boolean;
  title: string | null;
  caption: string | null;
}

const ROW_COLUMNS = `a.id, a.media_type, a.mime, a.file_name, a.taken_at, a.sort_at,
  (extract(epoch FROM a.sort_at) * 1000000)::bigint::text AS sort_us, a.width, a.height, a.duration_ms, a.favorite,
  a.placeholder, a.derivatives ? 'thumb' AS has_thumbnail, a.content_hash, a.derivatives_rev`;

type Row = Record<string, unknown>;

/** The month index counts up to this many per month: the scrubber needs proportions, not totals. */
export const MONTH_COUNT_CAP = 100;

function toTimelineRow(r: Row): TimelineRow {
  return {
    id: r.id as string,
    mediaType: r.media_type as 'image' | 'video',
    mime: r.mime as string,
    fileName: r.file_name as string,
    takenAt: (r.taken_at as Date | null) ?? null,
    sortAt: r.sort_at as Date,
    sortUs: r.sort_us as string,
    width: (r.width as number | null) ?? null,
    height: (r.height as number | null) ?? null,
    durationMs: (r.duration_ms as number | null) ?? null,
    favorite: r.favorite as boolean,
    placeholder: (r.placeholder as string | null) ?? null,
    hasThumbnail: r.has_thumbnail as boolean,
    contentHash: r.content_hash as string,
    derivativesRev: r.derivatives_rev as number,
  };
}

function toRecord(r: Row): AssetRecord {
  return {
    ...toTimelineRow(r),
    path: r.path as string,
    folder: r.folder as string,
    size: Number(r.size),
    mtime: r.mtime as Date,
    timeZone: (r.time_zone as string | null) ?? null,
    make: (r.make as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    latitude: (r.latitude as number | null) ?? null,
    longitude: (r.longitude as number | null) ?? null,
    metadata: (r.metadata as Record<string, unknown> | null) ?? null,
    derivatives: r.derivatives as Record<string, string>,
    playback: (r.playback as string | null) ?? null,
    failures: r.failures as Record<string, string>,
    private: r.private as boolean,
    archived: r.archived as boolean,
    title: (r.title as string | null) ?? null,
    caption: (r.caption as string | null) ?? null,
  };
}

function filterSql(filters: TimelineFilters, p: SqlParams): string[] {
  const where: string[] = [];
  if (filters.type) where.push(`a.media_type = ${p.add(filters.type)}`);
  if (filters.favorite !== undefined) where.push(`a.favorite = ${p.add(filters.favorite)}`);
  if (filters.folder !== undefined) where.push(`a.folder = ${p.add(filters.folder)}`);
  if (filters.tag) {
    where.push(
      `EXISTS (SELECT 1 FROM asset_tags ft JOIN tags g ON g.id = ft.tag_id WHERE ft.asset_id = a.id AND g.name = ${p.add(filters.tag)})`,
    );
  }
  if (filters.from) where.push(`a.sort_at >= ${p.add(filters.from)}`);
  if (filters.to) where.push(`a.sort_at < ${p.add(filters.to)}`);
  if (filters.text) {
    const pattern = p.add(`%${likeEscape(filters.text)}%`);
    where.push(`(a.file_name ILIKE ${pattern} OR a.title ILIKE ${pattern} OR a.path ILIKE ${pattern})`);
  }
  return where;
}

/** Where a page's rows come from, and the columns it is ordered by there. */
interface Source {
  from: string;
  where: string[];
  /** The order's columns: the timeline index's, or the album's own index's (the same values). */
  sortAt: string;
  id: string;
}

/**
 * Where the rows come from: the whole library in the timeline index's order, or an album's
 * members in the order of `album_assets_timeline` (each membership carries its asset's `sort_at`).
 * Walking the library and probing each asset's membership cost the library's size for a small album
 * (260 ms on 1,000,000 assets for a 1 % album); reading and sorting every member cost the album's
 * size; the album's own index costs the page.
 */
function sourceOf(filters: TimelineFilters, p: SqlParams): Source {
  if (!filters.albumId) return { from: 'assets a', where: [], sortAt: 'a.sort_at', id: 'a.id' };
  return {
    from: 'album_assets m JOIN assets a ON a.id = m.asset_id',
    where: [`m.album_id = ${p.add(filters.albumId)}`],
    sortAt: 'm.sort_at',
    id: 'm.asset_id',
  };
}

/** An album's members, for counting: an album is small beside the library. */
function membersOf(albumId: string, p: SqlParams): { ctes: string[]; from: string } {
  return {
    ctes: [`album_members AS MATERIALIZED (SELECT asset_id FROM album_assets WHERE album_id = ${p.add(albumId)})`],
    from: 'album_members m JOIN assets a ON a.id = m.asset_id',
  };
}

/**
 * The timeline and asset reads, every one filtered in SQL by the viewer's visibility: nothing is
 * loaded and then filtered. Pages are keyset pages on (sort_at, id), never OFFSET, so page 5,000
 * costs what page 1 costs.
 */
@Injectable()
export class TimelineRepository {
  constructor(private readonly db: DataSource) {}

  /** One page, newest first, after `cursor`; one row more than `limit` tells whether more follow. */
  async page(
    viewer: Viewer,
    filters: TimelineFilters,
    cursor: TimelineCursor | null,
    limit: number,
  ): Promise<TimelineRow[]> {
    const p = new SqlParams();
    const visible = assetVisibility(viewer, p);
    const source = sourceOf(filters, p);
    const where = [...source.where, LIVE_ASSET('a'), visible.asset('a'), ...filterSql(filters, p)];
    const [after, order] = filters.ascending ? ['>', 'ASC'] : ['<', 'DESC'];
    if (cursor) {
      where.push(
        `(${source.sortAt}, ${source.id}) ${after} ('epoch'::timestamptz + ${p.add(cursor.sortUs)}::float8 * interval '1 microsecond', ${p.add(cursor.id)}::uuid)`,
      );
    }
    // The page's ids first, in an index's order (the covering timeline index, or the album's); then their rows.
    const page = `page AS (SELECT a.id FROM ${source.from} WHERE ${where.join(' AND ')} ORDER BY ${source.sortAt} ${order}, ${source.id} ${order} LIMIT ${p.add(limit + 1)})`;
    const rows = (await this.db.query(
      `${withClause([...visible.ctes, page])}SELECT ${ROW_COLUMNS} FROM page JOIN assets a ON a.id = page.id ORDER BY a.sort_at ${order}, a.id ${order}`,
      p.values,
    )) as Row[];
    return rows.map(toTimelineRow);
  }

  /**
   * The months (UTC) with something the viewer may see, newest first, with how many it sees there
   * up to {@link MONTH_COUNT_CAP}: the scrubber's index. Each month is found by one probe of the
   * timeline index below the previous one (a skip scan), so the cost follows the number of
   * months, not of assets.
   */
  async months(viewer: Viewer, filters: TimelineFilters): Promise<Array<{ month: string; count: number }>> {
    if (filters.albumId) return this.albumMonths(viewer, filters);
    const p = new SqlParams();
    const visible = assetVisibility(viewer, p);
    const where = () => [LIVE_ASSET('a'), visible.asset('a'), ...filterSql(filters, p)].join(' AND ');
    const newest = (below: string | null) =>
      `date_trunc('month', (SELECT a.sort_at FROM assets a WHERE ${where()}${below ? ` AND a.sort_at < ${below}` : ''}
         ORDER BY a.sort_at DESC LIMIT 1) AT TIME ZONE 'UTC')`;
    const months = `months(m) AS (SELECT ${newest(null)}
      UNION ALL SELECT ${newest("(m AT TIME ZONE 'UTC')")} FROM months WHERE m IS NOT NULL)`;
    const count = `(SELECT count(*)::int FROM (SELECT 1 FROM assets a WHERE ${where()}
      AND a.sort_at >= (m AT TIME ZONE 'UTC') AND a.sort_at < ((m + interval '1 month') AT TIME ZONE 'UTC')
      LIMIT ${MONTH_COUNT_CAP}) x)`;
    return (await this.db.query(
      `WITH RECURSIVE ${[...visible.ctes, months].join(', ')}
       SELECT to_char(m, 'YYYY-MM') AS month, ${count} AS count FROM months WHERE m IS NOT NULL ORDER BY m DESC`,
      p.values,
    )) as Array<{ month: string; count: number }>;
  }

  /** An album's months: its members counted in one pass (an album is small beside the library). */
  private async albumMonths(
    viewer: Viewer,
    filters: TimelineFilters,
  ): Promise<Array<{ month: string; count: number }>> {
    const p = new SqlParams();
    const visible = assetVisibility(viewer, p);
    const source = membersOf(filters.albumId!, p);
    const where = [LIVE_ASSET('a'), visible.asset('a'), ...filterSql(filters, p)];
    return (await this.db.query(
      `${withClause([...visible.ctes, ...source.ctes])}SELECT to_char(date_trunc('month', a.sort_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
         least(count(*), ${MONTH_COUNT_CAP})::int AS count FROM ${source.from} WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY 1 DESC`,
      p.values,
    )) as Array<{ month: string; count: number }>;
  }

  /** An asset by id, whatever the viewer; callers check access first. */
  async find(id: string): Promise<AssetRecord | undefined> {
    const rows = (await this.db.query(
      `SELECT ${ROW_COLUMNS}, a.path, a.folder, a.size, a.mtime, a.time_zone, a.make, a.model, a.latitude,
         a.longitude, a.metadata, a.derivatives, a.playback, a.failures, a.private, a.archived, a.title, a.caption
       FROM assets a WHERE a.id = $1`,
      [id],
    )) as Row[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async tagsOf(id: string): Promise<string[]> {
    const rows = (await this.db.query(
      'SELECT g.name FROM asset_tags t JOIN tags g ON g.id = t.tag_id WHERE t.asset_id = $1 ORDER BY g.name',
      [id],
    )) as Array<{
      name: string;
    }>;
    return rows.map((r) => r.name);
  }
}
