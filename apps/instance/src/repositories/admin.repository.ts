import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A person seen through the portal, with their sessions here. */
export interface PersonRow {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  role: string;
  firstSeenAt: Date;
  lastSignInAt: Date;
  openSessions: number;
}

export interface SessionRow {
  id: string;
  userId: string;
  role: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A live asset some media job gave up on: `failures` maps a queue to the worker's reason code. */
export interface FailedAssetRow {
  id: string;
  path: string;
  contentHash: string;
  mediaType: 'image' | 'video';
  failures: Record<string, string>;
}

/** What the library administration pages read: people, sessions, failed assets, storage. */
@Injectable()
export class AdminRepository {
  constructor(private readonly db: DataSource) {}

  async people(now: Date): Promise<PersonRow[]> {
    const rows = (await this.db.query(
      `SELECT u.id, u.username, u.name, u.email, u.role, u.first_seen_at, u.last_seen_at,
         (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id AND s.expires_at > $1) AS open
       FROM users u ORDER BY u.last_seen_at DESC, u.id LIMIT 1000`,
      [now],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as string,
      username: r.username as string,
      name: r.name as string | null,
      email: r.email as string | null,
      role: r.role as string,
      firstSeenAt: r.first_seen_at as Date,
      lastSignInAt: r.last_seen_at as Date,
      openSessions: r.open as number,
    }));
  }

  async userExists(id: string): Promise<boolean> {
    return ((await this.db.query('SELECT 1 FROM users WHERE id = $1', [id])) as unknown[]).length > 0;
  }

  async sessionsOf(userId: string, now: Date): Promise<SessionRow[]> {
    const rows = (await this.db.query(
      `SELECT id, user_id, role, created_at, last_seen_at, expires_at FROM sessions
       WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC LIMIT 1000`,
      [userId, now],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as string,
      userId: r.user_id as string,
      role: r.role as string,
      createdAt: r.created_at as Date,
      lastSeenAt: r.last_seen_at as Date,
      expiresAt: r.expires_at as Date,
    }));
  }

  /** The live assets with a recorded media failure, newest first; `ids` narrows to those. */
  async failedAssets(limit: number, ids?: readonly string[]): Promise<FailedAssetRow[]> {
    const rows = (await this.db.query(
      `SELECT id, path, content_hash, media_type, failures FROM assets
       WHERE deleted_at IS NULL AND missing_at IS NULL AND failures <> '{}' ${ids ? 'AND id = ANY($2::uuid[])' : ''}
       ORDER BY updated_at DESC, id LIMIT $1`,
      ids ? [limit, ids] : [limit],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ ...assetRef(r), failures: r.failures as Record<string, string> }));
  }

  async countFailed(): Promise<number> {
    const rows = (await this.db.query(
      `SELECT count(*)::int AS n FROM assets WHERE deleted_at IS NULL AND missing_at IS NULL AND failures <> '{}'`,
    )) as Array<{ n: number }>;
    return rows[0]!.n;
  }

  /** Forgets the failures of these queues (a retry starts clean); the worker records anew. */
  async clearFailures(id: string, queues: readonly string[]): Promise<void> {
    await this.db.query(`UPDATE assets SET failures = failures - $2::text[] WHERE id = $1`, [id, queues]);
  }

  /** Puts failures back when a retry could not be queued. */
  async restoreFailures(id: string, failures: Record<string, string>): Promise<void> {
    await this.db.query(`UPDATE assets SET failures = failures || $2::jsonb WHERE id = $1`, [id, failures]);
  }

  /** How many assets {@link assetsAfter} walks through. */
  async countPresent(): Promise<number> {
    const rows = (await this.db.query('SELECT count(*)::int AS n FROM assets WHERE missing_at IS NULL')) as Array<{ n: number }>;
    return rows[0]!.n;
  }

  /**
   * One keyset page of the assets whose original is present (the trash included: it shows
   * thumbnails), by id after `after`: a rebuild walks a million of them in bounded memory.
   */
  async assetsAfter(after: string | null, limit: number): Promise<Array<Omit<FailedAssetRow, 'failures'>>> {
    const rows = (await this.db.query(
      `SELECT id, path, content_hash, media_type FROM assets
       WHERE missing_at IS NULL ${after ? 'AND id > $2::uuid' : ''} ORDER BY id LIMIT $1`,
      after ? [limit, after] : [limit],
    )) as Array<Record<string, unknown>>;
    return rows.map(assetRef);
  }

  /** Bytes and count of the originals on record and present (the library's live assets). */
  async originals(): Promise<{ bytes: number; files: number }> {
    const rows = (await this.db.query(
      `SELECT coalesce(sum(size), 0)::bigint AS bytes, count(*)::int AS files
       FROM assets WHERE deleted_at IS NULL AND missing_at IS NULL`,
    )) as Array<{ bytes: string; files: number }>;
    return { bytes: Number(rows[0]!.bytes), files: rows[0]!.files };
  }
}

/** What a media job needs of an asset, from a row of `assets`. */
function assetRef(r: Record<string, unknown>): Omit<FailedAssetRow, 'failures'> {
  return {
    id: r.id as string,
    path: r.path as string,
    contentHash: r.content_hash as string,
    mediaType: r.media_type as 'image' | 'video',
  };
}
