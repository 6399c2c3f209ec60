import { Injectable } from '@nestjs/common';
import { PolicyError, normalizeRelativePath, type Viewer } from '@atrium/policy';
import type {
  AssetDetailDto,
  MonthDto,
  AssetSummaryDto,
  TimelinePageDto,
  TimelineQueryDto,
} from '../dtos/asset.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { AlbumRepository } from '../repositories/album.repository.js';
import { isUuid } from '../repositories/sql.js';
import {
  TimelineRepository,
  type AssetRecord,
  type TimelineCursor,
  type TimelineFilters,
  type TimelineRow,
} from '../repositories/timeline.repository.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';

const DEFAULT_LIMIT = 100;

/**
 * The `?v=` of an asset's media URLs: the first 16 hex digits of its content hash, and the
 * derivatives' revision once one was replaced (a rebuild at new sizes), so that a browser which
 * kept the old file for good asks for the new one.
 */
export function versionOf(contentHash: string, derivativesRev = 0): string {
  const content = contentHash.slice(0, 16);
  return derivativesRev === 0 ? content : `${content}-${derivativesRev}`;
}

export function encodeCursor(cursor: TimelineCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.sortUs, i: cursor.id })).toString('base64url');
}

export function decodeCursor(value: string): TimelineCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    };
    if (typeof parsed.t === 'string' && /^-?\d{1,17}$/.test(parsed.t) && isUuid(parsed.i))
      return { sortUs: parsed.t, id: parsed.i };
  } catch {
    // Falls through to the refusal below.
  }
  throw new InstanceError('ERR_CURSOR_INVALID', 'the cursor is not one this API gave out', 400);
}

// ISO 8601 allows forms JavaScript cannot read (week dates, `T10`, basic format): refused, not a 500.
function date(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()))
    throw new InstanceError(
      'ERR_FILTER_INVALID',
      `${name}: write the date as 2024-06-01 or 2024-06-01T12:00:00Z`,
      400,
    );
  return parsed;
}

function folderFilter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return normalizeRelativePath(value);
  } catch (error) {
    if (error instanceof PolicyError)
      throw new InstanceError('ERR_FILTER_INVALID', `folder: ${error.message}`, 400);
    throw error;
  }
}

export function summaryOf(row: TimelineRow): AssetSummaryDto {
  return {
    id: row.id,
    type: row.mediaType,
    mime: row.mime,
    fileName: row.fileName,
    takenAt: row.takenAt?.toISOString() ?? null,
    sortAt: row.sortAt.toISOString(),
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    favorite: row.favorite,
    placeholder: row.placeholder,
    thumbnailReady: row.hasThumbnail,
    version: versionOf(row.contentHash, row.derivativesRev),
  };
}

function ready(asset: AssetRecord): Record<string, boolean> {
  const has = (kind: string) => typeof asset.derivatives[kind] === 'string';
  return {
    thumbnail: has('thumb'),
    preview: has('preview'),
    poster: has('poster'),
    video: has('video') || asset.playback === 'original',
  };
}

/**
 * The timeline and asset details. Every read starts with the access repository (or runs its
 * visibility SQL), and anything the viewer may not see answers exactly like something missing.
 */
@Injectable()
export class AssetService {
  constructor(
    private readonly access: AccessRepository,
    private readonly timeline: TimelineRepository,
    private readonly albums: AlbumRepository,
  ) {}

  async page(viewer: Viewer, query: TimelineQueryDto): Promise<TimelinePageDto> {
    const filters = await this.filtersOf(viewer, query);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.timeline.page(
      viewer,
      filters,
      query.cursor ? decodeCursor(query.cursor) : null,
      limit,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summaryOf),
      nextCursor: rows.length > limit && last ? encodeCursor({ sortUs: last.sortUs, id: last.id }) : null,
    };
  }

  /** The scrubber's index: months with something the viewer may see, and how much. */
  async months(viewer: Viewer, query: TimelineQueryDto): Promise<MonthDto[]> {
    return this.timeline.months(viewer, await this.filtersOf(viewer, query));
  }

  private async filtersOf(viewer: Viewer, query: TimelineQueryDto): Promise<TimelineFilters> {
    const albumId = query.album ? await this.visibleAlbum(viewer, query.album) : undefined;
    return {
      ...(albumId ? { albumId, ascending: (await this.albums.sortOrder(albumId)) === 'asc' } : {}),
      folder: folderFilter(query.folder),
      type: query.type,
      favorite: query.favorite === undefined ? undefined : query.favorite === 'true',
      tag: query.tag,
      from: date('from', query.from),
      to: date('to', query.to),
      text: query.q?.trim() || undefined,
    };
  }

  async detail(viewer: Viewer, id: string): Promise<AssetDetailDto> {
    const asset = await this.visibleAsset(viewer, id);
    const [albums, tags, downloadable] = await Promise.all([
      this.albums.ofAsset(viewer, id),
      this.timeline.tagsOf(id),
      this.access.downloadableAssets(viewer, [id]),
    ]);
    return {
      ...summaryOf(asset),
      path: asset.path,
      folder: asset.folder,
      size: asset.size,
      title: asset.title,
      caption: asset.caption,
      timeZone: asset.timeZone,
      make: asset.make,
      model: asset.model,
      latitude: asset.latitude,
      longitude: asset.longitude,
      private: asset.private,
      archived: asset.archived,
      albums,
      tags,
      ready: ready(asset),
      playback: asset.playback,
      failures: asset.failures,
      canDownload: downloadable.has(id),
    };
  }

  /** The asset when the viewer may see it; the same 404 otherwise, whether it exists or not. */
  async visibleAsset(viewer: Viewer, id: string): Promise<AssetRecord> {
    const allowed = isUuid(id) ? await this.access.visibleAssets(viewer, [id]) : new Set<string>();
    const asset = allowed.has(id) ? await this.timeline.find(id) : undefined;
    if (!asset) throw notFoundOrNoAccess('asset');
    return asset;
  }

  /** The asset when the viewer may download its original; the same 404 otherwise. */
  async downloadableAsset(viewer: Viewer, id: string): Promise<AssetRecord> {
    const allowed = isUuid(id) ? await this.access.downloadableAssets(viewer, [id]) : new Set<string>();
    const asset = allowed.has(id) ? await this.timeline.find(id) : undefined;
    if (!asset) throw notFoundOrNoAccess('asset');
    return asset;
  }

  /** May the viewer download the original of this (visible) asset? */
  async mayDownload(viewer: Viewer, id: string): Promise<boolean> {
    return (await this.access.downloadableAssets(viewer, [id])).has(id);
  }

  /** An asset in the trash when the viewer may delete it for good; the same 404 otherwise. */
  async trashedAsset(viewer: Viewer, id: string): Promise<AssetRecord> {
    const allowed = isUuid(id) ? await this.access.deletableAssets(viewer, [id], true) : new Set<string>();
    const asset = allowed.has(id) ? await this.timeline.find(id) : undefined;
    if (!asset) throw notFoundOrNoAccess('asset');
    return asset;
  }

  private async visibleAlbum(viewer: Viewer, id: string): Promise<string> {
    if (!(await this.access.visibleAlbums(viewer, [id])).has(id)) throw notFoundOrNoAccess('album');
    return id;
  }
}
