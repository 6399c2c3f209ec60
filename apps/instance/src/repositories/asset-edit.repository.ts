import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returned } from './sql.js';

/** What a bulk edit sets; a field left out is left alone. */
export interface AssetChanges {
  title?: string | null;
  caption?: string | null;
  favorite?: boolean;
  private?: boolean;
  archived?: boolean;
  /** Sets taken_at and the timeline position; `null` puts the asset back at its file time. */
  takenAt?: Date | null;
  timeZone?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

/** An asset's values before an edit: the fields the edit touched, and its tags when they changed. */
type Previous = Record<string, unknown> & { id: string; tags?: string[] };

const COLUMNS: Record<string, string> = {
  title: 'title',
  caption: 'caption',
  favorite: 'favorite',
  private: 'private',
  archived: 'archived',
  takenAt: 'taken_at',
  timeZone: 'time_zone',
};

/**
 * Edits of assets in bulk, each in one transaction that also keeps what it replaced, so the edit
 * can be undone once. Callers decide access first (the access repository).
 */
@Injectable()
export class AssetEditRepository {
  constructor(private readonly db: DataSource) {}

  /** Applies `changes` to `ids`; returns the id of the undo record. */
  edit(userId: string, ids: readonly string[], changes: AssetChanges, now: Date): Promise<string> {
    return this.db.transaction(async (tx) => {
      const fields = Object.keys(COLUMNS).filter((f) => f in changes);
      const touchesTags = Boolean(changes.addTags?.length || changes.removeTags?.length);
      const previous = await this.snapshot(tx, ids, fields, touchesTags);
      if (fields.length) await this.update(tx, ids, changes, fields, now);
      if (touchesTags) await this.retag(tx, ids, changes.addTags ?? [], changes.removeTags ?? []);
      const id = randomUUID();
      await tx.query('INSERT INTO edit_batches (id, user_id, previous, created_at) VALUES ($1, $2, $3, $4)', [
        id,
        userId,
        JSON.stringify(previous),
        now,
      ]);
      return id;
    });
  }

  /**
   * Puts back what the edit `batchId` of `userId` replaced; false when there is no such edit, or it
   * was undone already.
   */
  undo(userId: string, batchId: string, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [batch] = returned<{ previous: Previous[] }>(
        await tx.query(
          `UPDATE edit_batches SET undone_at = $3 WHERE id = $1 AND user_id = $2 AND undone_at IS NULL RETURNING previous`,
          [batchId, userId, now],
        ),
      );
      if (!batch) return false;
      for (const prev of batch.previous) {
        const fields = Object.keys(COLUMNS).filter((f) => f in prev);
        if (fields.length) {
          const values: Record<string, unknown> = { ...prev };
          if (typeof prev.takenAt === 'string') values.takenAt = new Date(prev.takenAt);
          await this.update(tx, [prev.id], values as AssetChanges, fields, now);
        }
        if (prev.tags) {
          await tx.query('DELETE FROM asset_tags WHERE asset_id = $1', [prev.id]);
          await this.retag(tx, [prev.id], prev.tags, []);
        }
      }
      return true;
    });
  }

  private async snapshot(
    tx: EntityManager,
    ids: readonly string[],
    fields: string[],
    withTags: boolean,
  ): Promise<Previous[]> {
    const select = fields.map((f) => `a.${COLUMNS[f]} AS "${f}"`);
    if (withTags)
      select.push(
        `ARRAY(SELECT g.name FROM asset_tags t JOIN tags g ON g.id = t.tag_id WHERE t.asset_id = a.id ORDER BY g.name) AS tags`,
      );
    // Rows are locked so two edits of the same assets cannot interleave their snapshots.
    return (await tx.query(
      `SELECT a.id${select.map((c) => `, ${c}`).join('')} FROM assets a WHERE a.id = ANY($1::uuid[]) ORDER BY a.id FOR UPDATE`,
      [ids],
    )) as Previous[];
  }

  private async update(
    tx: EntityManager,
    ids: readonly string[],
    changes: AssetChanges,
    fields: string[],
    now: Date,
  ): Promise<void> {
    const values: unknown[] = [ids, now];
    const sets = fields.map((f) => {
      values.push((changes as Record<string, unknown>)[f]);
      return `${COLUMNS[f]} = $${values.length}`;
    });
    if ('takenAt' in changes)
      sets.push(`sort_at = coalesce($${fields.indexOf('takenAt') + 3}::timestamptz, mtime)`);
    await tx.query(
      `UPDATE assets SET ${sets.join(', ')}, updated_at = $2 WHERE id = ANY($1::uuid[])`,
      values,
    );
  }

  private async retag(
    tx: EntityManager,
    ids: readonly string[],
    add: string[],
    remove: string[],
  ): Promise<void> {
    if (add.length) {
      await tx.query(
        `INSERT INTO tags (id, name) SELECT gen_random_uuid(), n FROM unnest($1::text[]) n ON CONFLICT (name) DO NOTHING`,
        [add],
      );
      await tx.query(
        `INSERT INTO asset_tags (asset_id, tag_id) SELECT a, g.id FROM unnest($1::uuid[]) a, tags g
         WHERE g.name = ANY($2::text[]) ON CONFLICT DO NOTHING`,
        [ids, add],
      );
    }
    if (remove.length)
      await tx.query(
        `DELETE FROM asset_tags t USING tags g WHERE t.tag_id = g.id AND t.asset_id = ANY($1::uuid[]) AND g.name = ANY($2::text[])`,
        [ids, remove],
      );
  }
}
