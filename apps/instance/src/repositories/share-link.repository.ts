import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ShareLink, ShareLinkTarget } from '@atrium/policy';
import { returned } from './sql.js';

/** A share link as stored, with what the listing shows about it. */
export interface ShareLinkRow extends ShareLink {
  id: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
  openCount: number;
  lastOpenedAt: Date | null;
  /** The album's title or the asset's file name. */
  targetName: string;
  passwordHash: string | null;
}

export interface NewShareLink {
  id: string;
  tokenDigest: string;
  target: ShareLinkTarget;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  passwordHash: string | null;
  allowDownload: boolean;
}

type Row = Record<string, unknown>;

const SELECT = `SELECT l.id, l.album_id, l.asset_id, l.created_by, l.created_at, l.expires_at, l.revoked_at,
    l.password_hash, l.allow_download, l.open_count, l.last_opened_at,
    coalesce(u.name, u.username) AS created_by_name, coalesce(al.title, a.file_name) AS target_name
  FROM share_links l LEFT JOIN users u ON u.id = l.created_by
  LEFT JOIN albums al ON al.id = l.album_id LEFT JOIN assets a ON a.id = l.asset_id`;

function toLink(r: Row): ShareLinkRow {
  return {
    id: r.id as string,
    target: r.album_id
      ? { kind: 'album', albumId: r.album_id as string }
      : { kind: 'asset', assetId: r.asset_id as string },
    createdBy: r.created_by as string,
    createdByName: (r.created_by_name as string | null) ?? null,
    createdAt: r.created_at as Date,
    expiresAt: (r.expires_at as Date | null) ?? null,
    revokedAt: (r.revoked_at as Date | null) ?? null,
    hasPassword: r.password_hash !== null,
    passwordHash: (r.password_hash as string | null) ?? null,
    allowDownload: r.allow_download as boolean,
    openCount: r.open_count as number,
    lastOpenedAt: (r.last_opened_at as Date | null) ?? null,
    targetName: (r.target_name as string | null) ?? '',
  };
}

/**
 * Share links (docs/architecture.md rule 7): only the SHA-256 digest of a link's token is kept, so the table
 * alone opens nothing; plus the unlocks of password links and the links signed-in people opened.
 */
@Injectable()
export class ShareLinkRepository {
  constructor(private readonly db: DataSource) {}

  async create(link: NewShareLink): Promise<void> {
    await this.db.query(
      `INSERT INTO share_links (id, token_digest, album_id, asset_id, created_by, created_at, expires_at, password_hash, allow_download)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        link.id,
        link.tokenDigest,
        link.target.kind === 'album' ? link.target.albumId : null,
        link.target.kind === 'asset' ? link.target.assetId : null,
        link.createdBy,
        link.createdAt,
        link.expiresAt,
        link.passwordHash,
        link.allowDownload,
      ],
    );
  }

  /** Every link of the library, newest first. */
  async list(): Promise<ShareLinkRow[]> {
    return ((await this.db.query(`${SELECT} ORDER BY l.created_at DESC, l.id`)) as Row[]).map(toLink);
  }

  async findById(id: string): Promise<ShareLinkRow | undefined> {
    const rows = (await this.db.query(`${SELECT} WHERE l.id = $1`, [id])) as Row[];
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  async findByDigest(digest: string): Promise<ShareLinkRow | undefined> {
    const rows = (await this.db.query(`${SELECT} WHERE l.token_digest = $1`, [digest])) as Row[];
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  /** Revokes a link; false when it was revoked already or does not exist. */
  async revoke(id: string, now: Date): Promise<boolean> {
    const rows = returned(
      await this.db.query(
        'UPDATE share_links SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
        [id, now],
      ),
    );
    return rows.length > 0;
  }

  async countOpen(id: string, now: Date): Promise<void> {
    await this.db.query(
      'UPDATE share_links SET open_count = open_count + 1, last_opened_at = $2 WHERE id = $1',
      [id, now],
    );
  }

  async addUnlock(digest: string, linkId: string, expiresAt: Date): Promise<void> {
    await this.db.query('INSERT INTO share_link_unlocks (id, link_id, expires_at) VALUES ($1, $2, $3)', [
      digest,
      linkId,
      expiresAt,
    ]);
  }

  async isUnlocked(digest: string, linkId: string, now: Date): Promise<boolean> {
    const rows = (await this.db.query(
      'SELECT 1 FROM share_link_unlocks WHERE id = $1 AND link_id = $2 AND expires_at > $3',
      [digest, linkId, now],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Remembers that a signed-in person opened a link, so it keeps what the link names. */
  async keepForUser(userId: string, linkId: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO user_links (user_id, link_id, opened_at) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1)
       ON CONFLICT (user_id, link_id) DO UPDATE SET opened_at = excluded.opened_at`,
      [userId, linkId, now],
    );
  }

  /** The links a signed-in person opened that have not been revoked (expiry is judged by the caller). */
  async keptBy(userId: string): Promise<ShareLinkRow[]> {
    const rows = (await this.db.query(
      `${SELECT} JOIN user_links ul ON ul.link_id = l.id WHERE ul.user_id = $1 AND l.revoked_at IS NULL`,
      [userId],
    )) as Row[];
    return rows.map(toLink);
  }

  /** Removes unlocks past their time. */
  async purgeUnlocks(now: Date): Promise<void> {
    await this.db.query('DELETE FROM share_link_unlocks WHERE expires_at <= $1', [now]);
  }
}
