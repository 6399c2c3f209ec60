import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccessPolicy } from '@atrium/policy';
import { returned } from './sql.js';

/** What an album update sets; a field left out is left alone. */
export interface AlbumChanges {
  title?: string;
  description?: string | null;
  coverId?: string | null;
  order?: 'desc' | 'asc';
}

const ALBUM_COLUMNS: Record<keyof AlbumChanges, string> = {
  title: 'title',
  description: 'description',
  coverId: 'cover_id',
  order: 'sort_order',
};

/**
 * Albums and policies as they are changed: creating, renaming, membership, covers, order, and the
 * policies of albums and photos (docs/architecture.md rule 6). A policy row is never changed in place: a new one
 * replaces it and rows nothing points at any more are removed, so one bulk policy can be shared.
 */
@Injectable()
export class AlbumEditRepository {
  constructor(private readonly db: DataSource) {}

  async create(title: string, description: string | null, by: string, now: Date): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'INSERT INTO albums (id, title, description, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
      [id, title, description, by, now],
    );
    return id;
  }

  async update(id: string, changes: AlbumChanges, now: Date): Promise<void> {
    const values: unknown[] = [id, now];
    const sets = (Object.keys(ALBUM_COLUMNS) as Array<keyof AlbumChanges>)
      .filter((k) => k in changes)
      .map((k) => {
        values.push(changes[k]);
        return `${ALBUM_COLUMNS[k]} = $${values.length}`;
      });
    await this.db.query(`UPDATE albums SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, values);
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = returned<{ policy_id: string | null }>(
        await tx.query('DELETE FROM albums WHERE id = $1 RETURNING policy_id', [id]),
      );
      await this.dropUnused(tx, [row?.policy_id ?? null]);
    });
  }

  /** Adds assets to the album; returns how many were not in it yet. */
  async addAssets(id: string, assetIds: readonly string[], now: Date): Promise<number> {
    const rows = (await this.db.query(
      `INSERT INTO album_assets (album_id, asset_id, added_at) SELECT $1, a, $3 FROM unnest($2::uuid[]) a
       ON CONFLICT DO NOTHING RETURNING asset_id`,
      [id, assetIds, now],
    )) as unknown[];
    return rows.length;
  }

  async removeAssets(id: string, assetIds: readonly string[]): Promise<number> {
    const rows = returned(
      await this.db.query(
        'DELETE FROM album_assets WHERE album_id = $1 AND asset_id = ANY($2::uuid[]) RETURNING asset_id',
        [id, assetIds],
      ),
    );
    return rows.length;
  }

  /** True when the asset is a member of the album. */
  async holds(id: string, assetId: string): Promise<boolean> {
    const rows = (await this.db.query('SELECT 1 FROM album_assets WHERE album_id = $1 AND asset_id = $2', [
      id,
      assetId,
    ])) as unknown[];
    return rows.length > 0;
  }

  albumPolicy(id: string): Promise<AccessPolicy | null> {
    return this.policyOf(
      'SELECT p.* FROM albums t JOIN policies p ON p.id = t.policy_id WHERE t.id = $1',
      id,
    );
  }

  assetPolicy(id: string): Promise<AccessPolicy | null> {
    return this.policyOf(
      'SELECT p.* FROM assets t JOIN policies p ON p.id = t.policy_id WHERE t.id = $1',
      id,
    );
  }

  setAlbumPolicy(id: string, policy: AccessPolicy | null): Promise<void> {
    return this.setPolicy('albums', [id], policy);
  }

  setAssetPolicy(ids: readonly string[], policy: AccessPolicy | null): Promise<void> {
    return this.setPolicy('assets', ids, policy);
  }

  private async policyOf(sql: string, id: string): Promise<AccessPolicy | null> {
    const [row] = (await this.db.query(sql, [id])) as Array<{
      everyone: boolean;
      users: string[];
      groups: string[];
    }>;
    return row ? { everyone: row.everyone, users: row.users, groups: row.groups } : null;
  }

  private setPolicy(
    table: 'albums' | 'assets',
    ids: readonly string[],
    policy: AccessPolicy | null,
  ): Promise<void> {
    return this.db.transaction(async (tx) => {
      let policyId: string | null = null;
      if (policy) {
        policyId = randomUUID();
        await tx.query('INSERT INTO policies (id, everyone, users, groups) VALUES ($1, $2, $3, $4)', [
          policyId,
          policy.everyone,
          [...new Set(policy.users)],
          [...new Set(policy.groups)],
        ]);
      }
      const old = returned<{ policy_id: string | null }>(
        await tx.query(
          `UPDATE ${table} t SET policy_id = $2 FROM ${table} o WHERE t.id = o.id AND t.id = ANY($1::uuid[]) RETURNING o.policy_id`,
          [ids, policyId],
        ),
      );
      await this.dropUnused(
        tx,
        old.map((r) => r.policy_id),
      );
    });
  }

  private async dropUnused(tx: EntityManager, ids: Array<string | null>): Promise<void> {
    const candidates = [...new Set(ids.filter((id): id is string => id !== null))];
    if (!candidates.length) return;
    await tx.query(
      `DELETE FROM policies p WHERE p.id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM albums WHERE policy_id = p.id) AND NOT EXISTS (SELECT 1 FROM assets WHERE policy_id = p.id)`,
      [candidates],
    );
  }
}
