import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { visibilityFilter, type Viewer } from '@atrium/policy';
import { LIVE_ASSET } from './access.repository.js';
import { SqlParams, likeEscape } from './sql.js';
import { visibilitySql, withClause } from './visibility.sql.js';

/** A file as WebDAV shows it: an asset the viewer may see. */
export interface DavFile {
  id: string;
  path: string;
  size: number;
  mtime: Date;
  mime: string;
  contentHash: string;
}

/** What one folder holds for a viewer: its visible files and the subfolders that lead to some. */
export interface DavFolder {
  files: DavFile[];
  folders: string[];
}

type FileRow = { id: string; path: string; size: string; mtime: Date; mime: string; content_hash: string };
const toFile = (r: FileRow): DavFile => ({
  id: r.id,
  path: r.path,
  size: Number(r.size),
  mtime: r.mtime,
  mime: r.mime,
  contentHash: r.content_hash,
});

/** The library as folders and files for WebDAV, read through the one visibility SQL. */
@Injectable()
export class DavRepository {
  constructor(private readonly db: DataSource) {}

  async folder(viewer: Viewer, folder: string): Promise<DavFolder> {
    const p = new SqlParams();
    const sql = visibilitySql(visibilityFilter(viewer), p);
    const visible = `${LIVE_ASSET('a')} AND ${sql.asset('a')}`;
    const files = (await this.db.query(
      `${withClause(sql.ctes)}SELECT a.id, a.path, a.size, a.mtime, a.mime, a.content_hash FROM assets a
       WHERE a.folder = ${p.add(folder)} AND ${visible} ORDER BY a.path`,
      p.values,
    )) as FileRow[];
    const q = new SqlParams();
    const sub = visibilitySql(visibilityFilter(viewer), q);
    const prefix = folder ? `${folder}/` : '';
    const rows = (await this.db.query(
      `${withClause(sub.ctes)}SELECT DISTINCT split_part(substr(a.folder, ${q.add(prefix.length + 1)}::int), '/', 1) AS name
       FROM assets a WHERE a.folder LIKE ${q.add(`${likeEscape(prefix)}_%`)} AND ${LIVE_ASSET('a')} AND ${sub.asset('a')}`,
      q.values,
    )) as Array<{ name: string }>;
    return { files: files.map(toFile), folders: rows.map((r) => r.name).filter(Boolean).sort() };
  }

  async file(viewer: Viewer, path: string): Promise<DavFile | undefined> {
    const p = new SqlParams();
    const sql = visibilitySql(visibilityFilter(viewer), p);
    const [row] = (await this.db.query(
      `${withClause(sql.ctes)}SELECT a.id, a.path, a.size, a.mtime, a.mime, a.content_hash FROM assets a
       WHERE a.path = ${p.add(path)} AND ${LIVE_ASSET('a')} AND ${sql.asset('a')}`,
      p.values,
    )) as FileRow[];
    return row ? toFile(row) : undefined;
  }

  /** True when some live asset (seen or not) sits at `path`: WebDAV never writes over one. */
  async taken(path: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM assets a WHERE a.path = $1 AND ${LIVE_ASSET('a')}`, [path])) as unknown[];
    return rows.length > 0;
  }
}
