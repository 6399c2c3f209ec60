import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An asset as indexing compares it with the file on disk. */
export interface KnownAsset {
  id: string;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  mediaType: 'image' | 'video';
  missing: boolean;
}

/** A file indexing found that becomes an asset. */
export interface NewAsset {
  id: string;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  mediaType: 'image' | 'video';
  mime: string;
}

/** What a file looked like when it was last read (ignored files and tombstones). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface Tombstone extends FileStamp {
  contentHash: string;
  path: string;
}

interface KnownRow {
  id: string;
  path: string;
  size: string;
  mtime: Date;
  content_hash: string;
  media_type: 'image' | 'video';
  missing: boolean;
}

// Exact to the millisecond (to_timestamp of a float can be off by one): stamps are compared for equality.
const fromMs = (ms: string) => `('epoch'::timestamptz + ${ms}::float8 * interval '1 millisecond')`;

const KNOWN_COLUMNS = 'id, path, size, mtime, content_hash, media_type, missing_at IS NOT NULL AS missing';

function toKnown(row: KnownRow): KnownAsset {
  return {
    id: row.id,
    path: row.path,
    size: Number(row.size),
    mtimeMs: row.mtime.getTime(),
    contentHash: row.content_hash,
    mediaType: row.media_type,
    missing: row.missing,
  };
}

/** The folder of a relative path, `''` at the root. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every folder from the root down to `folder` (`a/b` → `a`, `a/b`). */
function withAncestors(folder: string): string[] {
  const parts = folder.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** What indexing reads and writes: assets by folder and path, ignored files, tombstones, folders. */
@Injectable()
export class LibraryFilesRepository {
  constructor(private readonly db: DataSource) {}

  async knownInFolder(folder: string): Promise<Map<string, KnownAsset>> {
    const rows = (await this.db.query(`SELECT ${KNOWN_COLUMNS} FROM assets WHERE folder = $1`, [
      folder,
    ])) as KnownRow[];
    return new Map(rows.map((r) => [r.path, toKnown(r)]));
  }

  /** Assets present last time in folders the walk did not reach (the folder went away). */
  async presentOutside(folders: readonly string[]): Promise<KnownAsset[]> {
    const rows = (await this.db.query(
      `SELECT ${KNOWN_COLUMNS} FROM assets WHERE missing_at IS NULL AND NOT (folder = ANY($1::text[]))`,
      [[...folders]],
    )) as KnownRow[];
    return rows.map(toKnown);
  }

  /** Missing assets with one of these contents: a file found now may be one of them, moved. */
  async missingWithHashes(hashes: readonly string[]): Promise<KnownAsset[]> {
    if (!hashes.length) return [];
    const rows = (await this.db.query(
      `SELECT ${KNOWN_COLUMNS} FROM assets WHERE missing_at IS NOT NULL AND content_hash = ANY($1::text[])`,
      [[...hashes]],
    )) as KnownRow[];
    return rows.map(toKnown);
  }

  /** Present assets after `afterId` in id order, for a rescan to check their derivatives. */
  async presentAfter(
    afterId: string,
    limit: number,
  ): Promise<
    Array<KnownAsset & { derivatives: Record<string, string>; playback: string | null; hasMetadata: boolean }>
  > {
    const rows = (await this.db.query(
      `SELECT ${KNOWN_COLUMNS}, derivatives, playback, metadata IS NOT NULL AS has_metadata FROM assets
       WHERE missing_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    )) as Array<
      KnownRow & { derivatives: Record<string, string>; playback: string | null; has_metadata: boolean }
    >;
    return rows.map((r) => ({
      ...toKnown(r),
      derivatives: r.derivatives,
      playback: r.playback,
      hasMetadata: r.has_metadata,
    }));
  }

  async countPresent(): Promise<number> {
    const [row] = (await this.db.query(
      'SELECT count(*)::int AS n FROM assets WHERE missing_at IS NULL',
    )) as Array<{ n: number }>;
    return row!.n;
  }

  async insertAssets(assets: readonly NewAsset[], now: Date): Promise<void> {
    if (!assets.length) return;
    const col = <K extends keyof NewAsset>(key: K) => assets.map((a) => a[key]);
    await this.db.query(
      `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, created_at, updated_at)
       SELECT id, path, folder, file_name, size, ${fromMs('mtime_ms')}, content_hash, media_type, mime, ${fromMs('mtime_ms')}, $10, $10
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[])
         AS t(id, path, folder, file_name, size, mtime_ms, content_hash, media_type, mime)`,
      [
        col('id'),
        col('path'),
        assets.map((a) => folderOf(a.path)),
        assets.map((a) => fileNameOf(a.path)),
        col('size'),
        col('mtimeMs'),
        col('contentHash'),
        col('mediaType'),
        col('mime'),
        now,
      ],
    );
  }

  /** New content at a known path: what was learnt from the old content is dropped. */
  async replaceContent(id: string, file: Omit<NewAsset, 'id' | 'path'>, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE assets SET size = $2, mtime = ${fromMs('$3')}, content_hash = $4, media_type = $5, mime = $6,
         taken_at = NULL, sort_at = ${fromMs('$3')}, time_zone = NULL, width = NULL, height = NULL, duration_ms = NULL,
         make = NULL, model = NULL, latitude = NULL, longitude = NULL, metadata = NULL, placeholder = NULL,
         derivatives = '{}', playback = NULL, failures = '{}', missing_at = NULL, updated_at = $7
       WHERE id = $1`,
      [id, file.size, file.mtimeMs, file.contentHash, file.mediaType, file.mime, now],
    );
  }

  /** Same content, new size or time stamp (or back after missing). */
  async restamp(id: string, stamp: FileStamp, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE assets SET size = $2, mtime = ${fromMs('$3')}, missing_at = NULL, updated_at = $4 WHERE id = $1`,
      [id, stamp.size, stamp.mtimeMs, now],
    );
  }

  async restore(ids: readonly string[], now: Date): Promise<void> {
    if (ids.length)
      await this.db.query('UPDATE assets SET missing_at = NULL, updated_at = $2 WHERE id = ANY($1::uuid[])', [
        [...ids],
        now,
      ]);
  }

  /**
   * Gives an asset a new path (a move or rename), keeping its id, albums, tags and flags. When
   * `replacing` is set, that asset (the same file, inserted by this run at the new path) goes first.
   */
  async move(id: string, to: { path: string } & FileStamp, now: Date, replacing?: string): Promise<void> {
    await this.db.transaction(async (em) => {
      if (replacing) await em.query('DELETE FROM assets WHERE id = $1', [replacing]);
      await em.query(
        `UPDATE assets SET path = $2, folder = $3, file_name = $4, size = $5, mtime = ${fromMs('$6')},
           sort_at = CASE WHEN taken_at IS NULL THEN ${fromMs('$6')} ELSE sort_at END, missing_at = NULL, updated_at = $7
         WHERE id = $1`,
        [id, to.path, folderOf(to.path), fileNameOf(to.path), to.size, to.mtimeMs, now],
      );
    });
  }

  async markMissing(ids: readonly string[], now: Date): Promise<void> {
    if (ids.length)
      await this.db.query(
        'UPDATE assets SET missing_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[]) AND missing_at IS NULL',
        [[...ids], now],
      );
  }

  async ignoredInFolder(folder: string): Promise<Map<string, FileStamp>> {
    const prefix = folder ? `${folder}/` : '';
    const rows = (await this.db.query(
      `SELECT path, size, mtime FROM ignored_files WHERE starts_with(path, $1) AND position('/' in substr(path, length($1) + 1)) = 0`,
      [prefix],
    )) as Array<{ path: string; size: string; mtime: Date }>;
    return new Map(rows.map((r) => [r.path, { size: Number(r.size), mtimeMs: r.mtime.getTime() }]));
  }

  async ignore(path: string, stamp: FileStamp, reason: string): Promise<void> {
    await this.db.query(
      `INSERT INTO ignored_files (path, size, mtime, reason) VALUES ($1, $2, ${fromMs('$3')}, $4)
       ON CONFLICT (path) DO UPDATE SET size = $2, mtime = ${fromMs('$3')}, reason = $4`,
      [path, stamp.size, stamp.mtimeMs, reason],
    );
  }

  async unignore(paths: readonly string[]): Promise<void> {
    if (paths.length)
      await this.db.query('DELETE FROM ignored_files WHERE path = ANY($1::text[])', [[...paths]]);
  }

  async tombstones(): Promise<Tombstone[]> {
    const rows = (await this.db.query('SELECT content_hash, path, size, mtime FROM tombstones')) as Array<{
      content_hash: string;
      path: string;
      size: string;
      mtime: Date;
    }>;
    return rows.map((r) => ({
      contentHash: r.content_hash,
      path: r.path,
      size: Number(r.size),
      mtimeMs: r.mtime.getTime(),
    }));
  }

  /** Remembers where a tombstoned content was seen last, so the next scan passes it over unread. */
  async restampTombstone(tombstone: Tombstone): Promise<void> {
    await this.db.query(
      `UPDATE tombstones SET path = $2, size = $3, mtime = ${fromMs('$4')} WHERE content_hash = $1`,
      [tombstone.contentHash, tombstone.path, tombstone.size, tombstone.mtimeMs],
    );
  }

  /** Makes `folders` exactly the folders (and their ancestors) that hold present assets. */
  async syncFolders(now: Date): Promise<void> {
    const rows = (await this.db.query(
      "SELECT DISTINCT folder FROM assets WHERE missing_at IS NULL AND folder <> ''",
    )) as Array<{ folder: string }>;
    const folders = [...new Set(rows.flatMap((r) => withAncestors(r.folder)))];
    await this.db.transaction(async (em) => {
      await em.query('DELETE FROM folders WHERE NOT (path = ANY($1::text[]))', [folders]);
      await em.query(
        'INSERT INTO folders (path, parent, created_at) SELECT path, parent, $3 FROM unnest($1::text[], $2::text[]) AS t(path, parent) ON CONFLICT (path) DO NOTHING',
        [folders, folders.map(folderOf), now],
      );
    });
  }
}
