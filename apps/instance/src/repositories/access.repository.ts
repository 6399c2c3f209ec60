import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { scopeOf, visibilityFilter, type VisibilityFilter, type Viewer } from '@atrium/policy';
import { SqlParams, isUuid } from './sql.js';
import { visibilitySql, withClause, type VisibilitySql } from './visibility.sql.js';

/** Assets in the library now: not in the trash and not missing from the originals. */
export const LIVE_ASSET = (a: string) => `${a}.deleted_at IS NULL AND ${a}.missing_at IS NULL`;

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
