import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { visibilityFilter, type Viewer } from '@atrium/policy';
import { LIVE_ASSET } from './access.repository.js';
import { SqlParams } from './sql.js';
import { visibilitySql, withClause } from './visibility.sql.js';

export interface AlbumRow {
  id: string;
  title: string;
  description: string | null;
  createdAt: Date;
  /** Assets of the album the viewer may see. */
  assetCount: number;
  /** The chosen cover when the viewer may see it, else the newest asset of the album it may see. */
  coverId: string | null;
  order: 'desc' | 'asc';
}

type Row = {
  id: string;
  title: string;
  description: string | null;
  created_at: Date;
  asset_count: number;
  cover_id: string | null;
  sort_order: 'desc' | 'asc';
};

const toAlbum = (r: Row): AlbumRow => ({
  id: r.id,
  title: r.title,
  description: r.description,
  createdAt: r.created_at,
  assetCount: r.asset_count,
  coverId: r.cover_id,
  order: r.sort_order,
});

/** Albums as a viewer sees them: only albums it may see, counted over assets it may see. */
@Injectable()
export class AlbumRepository {
  constructor(private readonly db: DataSource) {}

  /** Visible albums; with `ids`, only those among them. */
  async list(viewer: Viewer, ids?: readonly string[]): Promise<AlbumRow[]> {
    const p = new SqlParams();
    const visible = visibilitySql(visibilityFilter(viewer), p);
    const members = `FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id = al.id AND ${LIVE_ASSET('a')} AND ${visible.asset('a')}`;
    const only = ids ? ` AND al.id = ANY(${p.add([...ids])}::uuid[])` : '';
    const rows = (await this.db.query(
      `${withClause(visible.ctes)}SELECT al.id, al.title, al.description, al.created_at,
         (SELECT count(*)::int ${members}) AS asset_count,
         coalesce((SELECT a.id ${members} AND a.id = al.cover_id),
           (SELECT a.id ${members} ORDER BY a.sort_at DESC, a.id DESC LIMIT 1)) AS cover_id, al.sort_order
       FROM albums al WHERE ${visible.album('al')}${only} ORDER BY al.title, al.id`,
      p.values,
    )) as Row[];
    return rows.map(toAlbum);
  }

  /** The albums holding `assetId` that the viewer may see (others stay unnamed). */
  async ofAsset(viewer: Viewer, assetId: string): Promise<Array<{ id: string; title: string }>> {
    const p = new SqlParams();
    const visible = visibilitySql(visibilityFilter(viewer), p);
    return (await this.db.query(
      `${withClause(visible.ctes)}SELECT al.id, al.title FROM album_assets aa JOIN albums al ON al.id = aa.album_id
       WHERE aa.asset_id = ${p.add(assetId)} AND ${visible.album('al')} ORDER BY al.title, al.id`,
      p.values,
    )) as Array<{ id: string; title: string }>;
  }

  /** The album's order: newest first (`desc`) or oldest first. */
  async sortOrder(id: string): Promise<'desc' | 'asc'> {
    const [row] = (await this.db.query('SELECT sort_order FROM albums WHERE id = $1', [id])) as Array<{
      sort_order: 'desc' | 'asc';
    }>;
    return row?.sort_order ?? 'desc';
  }
}
