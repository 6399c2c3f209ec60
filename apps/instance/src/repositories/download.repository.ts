import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LIVE_ASSET } from './access.repository.js';
import { isUuid, likeEscape } from './sql.js';

/** An asset as a zip names it. */
export interface DownloadEntry {
  id: string;
  path: string;
  fileName: string;
  mtime: Date;
  contentHash: string;
  derivatives: Record<string, string>;
}

/**
 * What zip downloads read: the candidate assets of an album, a folder or a selection, before the
 * access repository decides which of them the viewer may have.
 */
@Injectable()
export class DownloadRepository {
  constructor(private readonly db: DataSource) {}

  async albumTitle(albumId: string): Promise<string | undefined> {
    if (!isUuid(albumId)) return undefined;
    const [row] = (await this.db.query('SELECT title FROM albums WHERE id = $1', [albumId])) as Array<{ title: string }>;
    return row?.title;
  }

  async albumAssetIds(albumId: string): Promise<string[]> {
    if (!isUuid(albumId)) return [];
    const rows = (await this.db.query(
      `SELECT a.id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id = $1 AND ${LIVE_ASSET('a')}`,
      [albumId],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** Live assets in `folder` and below (`''`: the whole library). */
  async folderAssetIds(folder: string): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT a.id FROM assets a WHERE ${LIVE_ASSET('a')} AND ($1 = '' OR a.folder = $1 OR a.folder LIKE $2)`,
      [folder, `${likeEscape(folder)}/%`],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** The entries of `ids`, in path order. */
  async entries(ids: readonly string[]): Promise<DownloadEntry[]> {
    const wanted = ids.filter(isUuid);
    if (!wanted.length) return [];
    const rows = (await this.db.query(
      `SELECT id, path, file_name, mtime, content_hash, derivatives FROM assets a
       WHERE a.id = ANY($1::uuid[]) AND ${LIVE_ASSET('a')} ORDER BY a.path COLLATE "C"`,
      [wanted],
    )) as Array<{ id: string; path: string; file_name: string; mtime: Date; content_hash: string; derivatives: Record<string, string> }>;
    return rows.map((r) => ({
      id: r.id,
      path: r.path,
      fileName: r.file_name,
      mtime: r.mtime,
      contentHash: r.content_hash,
      derivatives: r.derivatives,
    }));
  }
}
