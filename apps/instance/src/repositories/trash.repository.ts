import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '@atrium/policy';
import { getSetting, putSetting } from '@atrium/server';
import { TRASHED_ASSET, changeSql } from './access.repository.js';
import { SqlParams, returned } from './sql.js';
import type { TimelineCursor } from './timeline.repository.js';

/** An asset in the trash, as the trash screen lists it. */
export interface TrashedRow {
  id: string;
  fileName: string;
  path: string;
  mediaType: 'image' | 'video';
  width: number | null;
  height: number | null;
  placeholder: string | null;
  hasThumbnail: boolean;
  contentHash: string;
  derivativesRev: number;
  deletedAt: Date;
  /** `deleted_at` in microseconds, the keyset cursor. */
  deletedUs: string;
}

/** An asset removed for good: what its tombstone and the file removal need. */
export interface EmptiedRow {
  id: string;
  path: string;
  contentHash: string;
  uploadedBy: string | null;
}

type Row = Record<string, unknown>;

/** The library setting that lets emptying the trash remove originals outside upload paths too. */
export interface TrashSettings {
  deleteOriginals: boolean;
}

const SETTINGS_KEY = 'library.trash';

/**
 * The trash (docs/architecture.md, Storage): deleting sets `deleted_at`; restoring clears it;
 * emptying deletes the rows and leaves a tombstone per content, so indexing passes the file over.
 */
@Injectable()
export class TrashRepository {
  constructor(private readonly db: DataSource) {}

  /** Moves live assets to the trash; returns how many moved. */
  async trash(ids: readonly string[], by: string, now: Date): Promise<number> {
    const rows = returned(
      await this.db.query(
        `UPDATE assets SET deleted_at = $2, trashed_by = $3, updated_at = $2
         WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL RETURNING id`,
        [ids, now, by],
      ),
    );
    return rows.length;
  }

  /** Brings trashed assets back; returns how many came back. */
  async restore(ids: readonly string[], now: Date): Promise<number> {
    const rows = returned(
      await this.db.query(
        `UPDATE assets SET deleted_at = NULL, trashed_by = NULL, updated_at = $2
         WHERE id = ANY($1::uuid[]) AND deleted_at IS NOT NULL RETURNING id`,
        [ids, now],
      ),
    );
    return rows.length;
  }

  /** Trashed assets the viewer may delete for good, newest deletion first, after `cursor`. */
  async page(viewer: Viewer, cursor: TimelineCursor | null, limit: number): Promise<TrashedRow[]> {
    const p = new SqlParams();
    const allowed = changeSql(viewer, 'asset.delete', p, 'a');
    if (allowed === null) return [];
    const where = [TRASHED_ASSET('a'), allowed];
    if (cursor)
      where.push(
        `(a.deleted_at, a.id) < ('epoch'::timestamptz + ${p.add(cursor.sortUs)}::float8 * interval '1 microsecond', ${p.add(cursor.id)}::uuid)`,
      );
    const rows = (await this.db.query(
      `SELECT a.id, a.file_name, a.path, a.media_type, a.width, a.height, a.placeholder,
         a.derivatives ? 'thumb' AS has_thumbnail, a.content_hash, a.derivatives_rev, a.deleted_at,
         (extract(epoch FROM a.deleted_at) * 1000000)::bigint::text AS deleted_us
       FROM assets a WHERE ${where.join(' AND ')} ORDER BY a.deleted_at DESC, a.id DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    )) as Row[];
    return rows.map((r) => ({
      id: r.id as string,
      fileName: r.file_name as string,
      path: r.path as string,
      mediaType: r.media_type as 'image' | 'video',
      width: (r.width as number | null) ?? null,
      height: (r.height as number | null) ?? null,
      placeholder: (r.placeholder as string | null) ?? null,
      hasThumbnail: r.has_thumbnail as boolean,
      contentHash: r.content_hash as string,
      derivativesRev: r.derivatives_rev as number,
      deletedAt: r.deleted_at as Date,
      deletedUs: r.deleted_us as string,
    }));
  }

  /**
   * Deletes trashed assets for good in one transaction, a tombstone for each content (the newest
   * path and stamp win); returns what was deleted, for the caller to remove files where allowed.
   */
  empty(ids: readonly string[], now: Date): Promise<EmptiedRow[]> {
    return this.db.transaction(async (tx) => {
      const rows = returned<{
        id: string;
        path: string;
        content_hash: string;
        uploaded_by: string | null;
        size: string;
        mtime: Date;
      }>(
        await tx.query(
          `DELETE FROM assets WHERE id = ANY($1::uuid[]) AND deleted_at IS NOT NULL
           RETURNING id, path, content_hash, uploaded_by, size, mtime`,
          [ids],
        ),
      );
      if (rows.length)
        await tx.query(
          `INSERT INTO tombstones (content_hash, path, size, mtime, created_at)
           SELECT DISTINCT ON (h) h, p, s, m, $5 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS t(h, p, s, m)
           ORDER BY h, m DESC
           ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, size = excluded.size, mtime = excluded.mtime`,
          [
            rows.map((r) => r.content_hash),
            rows.map((r) => r.path),
            rows.map((r) => r.size),
            rows.map((r) => r.mtime),
            now,
          ],
        );
      return rows.map((r) => ({
        id: r.id,
        path: r.path,
        contentHash: r.content_hash,
        uploadedBy: r.uploaded_by,
      }));
    });
  }

  /** Every trashed asset among those the viewer may delete (for "empty the trash"), at most `limit`. */
  async allDeletable(viewer: Viewer, limit: number): Promise<string[]> {
    const p = new SqlParams();
    const allowed = changeSql(viewer, 'asset.delete', p, 'a');
    if (allowed === null) return [];
    const rows = (await this.db.query(
      `SELECT a.id FROM assets a WHERE ${TRASHED_ASSET('a')} AND ${allowed} ORDER BY a.deleted_at, a.id LIMIT ${p.add(limit)}`,
      p.values,
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** The upload paths of the people who uploaded these assets, by account id. */
  async uploadPathsOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = (await this.db.query('SELECT id, upload_path FROM users WHERE id = ANY($1::text[])', [
      userIds,
    ])) as Array<{ id: string; upload_path: string | null }>;
    return new Map(rows.map((r) => [r.id, r.upload_path]));
  }

  async settings(): Promise<TrashSettings> {
    const stored = await getSetting<TrashSettings>(this.db, SETTINGS_KEY);
    return { deleteOriginals: stored?.deleteOriginals === true };
  }

  saveSettings(settings: TrashSettings): Promise<void> {
    return putSetting(this.db, SETTINGS_KEY, settings);
  }
}
