import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  scopeOf,
  visibilityFilter,
  type Permission,
  type VisibilityFilter,
  type Viewer,
} from '@atrium/policy';
import { SqlParams, isUuid } from './sql.js';
import { visibilitySql, withClause, type VisibilitySql } from './visibility.sql.js';

/** Assets in the library now: not in the trash and not missing from the originals. */
export const LIVE_ASSET = (a: string) => `${a}.deleted_at IS NULL AND ${a}.missing_at IS NULL`;
/** Assets in the trash (and still on disk as far as the index knows). */
export const TRASHED_ASSET = (a: string) => `${a}.deleted_at IS NOT NULL AND ${a}.missing_at IS NULL`;

/**
 * `canEditAsset` / `canDeleteAsset` as SQL: `all` any asset, `own_uploads` those the viewer
 * uploaded, `null` when the role holds the permission nowhere.
 */
export function changeSql(
  viewer: Viewer,
  permission: Extract<Permission, 'asset.edit' | 'asset.delete'>,
  p: SqlParams,
  a: string,
): string | null {
  const scope = scopeOf(viewer.role, permission);
  if (scope === 'all') return 'TRUE';
  if (scope === 'own_uploads' && viewer.id !== null) return `${a}.uploaded_by = ${p.add(viewer.id)}`;
  return null;
}

/** What a viewer may see, as SQL (libs/policy's `visibilityFilter`). */
export function assetVisibility(viewer: Viewer, p: SqlParams): VisibilitySql {
  return visibilitySql(visibilityFilter(viewer), p);
}

/**
 * `canDownloadOriginal` as a filter: whole-library roles download anything, the others what they
 * see through links that allow downloads (and whatever else shows them the asset); `null` for none.
 */
export function downloadFilter(viewer: Viewer): VisibilityFilter | null {
  const scope = scopeOf(viewer.role, 'asset.download_original');
  if (scope === 'none') return null;
  if (scope === 'all') return { scope: 'all' };
  return visibilityFilter({ ...viewer, links: viewer.links.filter((link) => link.downloadAllowed) });
}

/**
 * Every access check of the instance: a set of ids in, the allowed subset out, in one query built
 * from libs/policy's visibility filter. Unknown ids and refused ids look the same to callers, so a
 * refusal never reveals whether something exists.
 */
@Injectable()
export class AccessRepository {
  constructor(private readonly db: DataSource) {}

  /** The live assets among `ids` that `viewer` may see. */
  visibleAssets(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    return this.allowedAssets(visibilityFilter(viewer), ids);
  }

  /** The live assets among `ids` whose original `viewer` may download. */
  downloadableAssets(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    const filter = downloadFilter(viewer);
    return filter ? this.allowedAssets(filter, ids) : Promise.resolve(new Set());
  }

  /** The live assets among `ids` that `viewer` may edit (`canEditAsset`). */
  editableAssets(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    return this.changeableAssets(viewer, 'asset.edit', ids, LIVE_ASSET);
  }

  /** The assets among `ids`, live or (with `trashed`) in the trash, that `viewer` may delete. */
  deletableAssets(viewer: Viewer, ids: readonly string[], trashed = false): Promise<Set<string>> {
    return this.changeableAssets(viewer, 'asset.delete', ids, trashed ? TRASHED_ASSET : LIVE_ASSET);
  }

  /**
   * The live assets among `ids` that `viewer` may comment on (`canComment`): seen without the help
   * of share links, which give read access only.
   */
  async commentableAssets(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    if (scopeOf(viewer.role, 'comment.create') === 'none') return new Set();
    return this.allowedAssets(visibilityFilter({ ...viewer, links: [] }), ids);
  }

  /** The albums among `ids` that `viewer` may comment on: seen without share links, by a role that comments. */
  async commentableAlbums(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    if (scopeOf(viewer.role, 'comment.create') === 'none') return new Set();
    return this.visibleAlbums({ ...viewer, links: [] }, ids);
  }

  /** The albums among `ids` that exist, when `viewer` holds `permission` on every album; none otherwise. */
  async albumsFor(
    viewer: Viewer,
    permission: Extract<Permission, 'album.edit' | 'album.delete'>,
    ids: readonly string[],
  ): Promise<Set<string>> {
    if (scopeOf(viewer.role, permission) !== 'all') return new Set();
    return this.visibleAlbums(viewer, ids);
  }

  /** The albums among `ids` that `viewer` may see. */
  async visibleAlbums(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    const wanted = ids.filter(isUuid);
    if (!wanted.length) return new Set();
    const p = new SqlParams();
    const sql = visibilitySql(visibilityFilter(viewer), p);
    const rows = (await this.db.query(
      `${withClause(sql.ctes)}SELECT al.id FROM albums al WHERE al.id = ANY(${p.add(wanted)}::uuid[]) AND ${sql.album('al')}`,
      p.values,
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  private async changeableAssets(
    viewer: Viewer,
    permission: 'asset.edit' | 'asset.delete',
    ids: readonly string[],
    state: (a: string) => string,
  ): Promise<Set<string>> {
    const wanted = ids.filter(isUuid);
    const p = new SqlParams();
    const allowed = changeSql(viewer, permission, p, 'a');
    if (!wanted.length || allowed === null) return new Set();
    const rows = (await this.db.query(
      `SELECT a.id FROM assets a WHERE a.id = ANY(${p.add(wanted)}::uuid[]) AND ${state('a')} AND ${allowed}`,
      p.values,
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  private async allowedAssets(filter: VisibilityFilter, ids: readonly string[]): Promise<Set<string>> {
    const wanted = ids.filter(isUuid);
    if (!wanted.length) return new Set();
    const p = new SqlParams();
    const sql = visibilitySql(filter, p);
    const rows = (await this.db.query(
      `${withClause(sql.ctes)}SELECT a.id FROM assets a WHERE a.id = ANY(${p.add(wanted)}::uuid[]) AND ${LIVE_ASSET('a')} AND ${sql.asset('a')}`,
      p.values,
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }
}
