import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '@atrium/policy';
import { LIVE_ASSET, assetVisibility } from './access.repository.js';
import { SqlParams } from './sql.js';
import { withClause } from './visibility.sql.js';

/** Folders and tags, each listed only when the viewer may see at least one asset under it. */
@Injectable()
export class BrowseRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Subfolders of `parent` (`''`: the root) holding, at any depth, an asset the viewer may see, with
   * how many such assets each holds.
   */
  async folders(viewer: Viewer, parent: string): Promise<Array<{ path: string; count: number }>> {
    const p = new SqlParams();
    const visible = assetVisibility(viewer, p);
    const rows = (await this.db.query(
      `${withClause(visible.ctes)}SELECT f.path, c.count FROM folders f, LATERAL (
         SELECT count(*)::int AS count FROM assets a
         WHERE (a.folder = f.path OR starts_with(a.folder, f.path || '/')) AND ${LIVE_ASSET('a')} AND ${visible.asset('a')}) c
       WHERE f.parent = ${p.add(parent)} AND c.count > 0
       ORDER BY f.path`,
      p.values,
    )) as Array<{ path: string; count: number }>;
    return rows;
  }

  /** Tags on assets the viewer may see, with how many of those assets carry each. */
  async tags(viewer: Viewer): Promise<Array<{ name: string; count: number }>> {
    const p = new SqlParams();
    const visible = assetVisibility(viewer, p);
    return (await this.db.query(
      `${withClause(visible.ctes)}SELECT g.name, count(*)::int AS count FROM tags g
         JOIN asset_tags t ON t.tag_id = g.id JOIN assets a ON a.id = t.asset_id
       WHERE ${LIVE_ASSET('a')} AND ${visible.asset('a')} GROUP BY g.name ORDER BY g.name`,
      p.values,
    )) as Array<{ name: string; count: number }>;
  }
}
