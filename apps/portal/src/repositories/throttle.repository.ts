import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One key's counter as it stands inside the attempt's transaction. */
export interface ThrottleRow {
  key: string;
  failures: number;
  blockedUntil: Date | null;
  updatedAt: Date;
}

/** Failure counters in Postgres, so every replica sees the same delays. */
@Injectable()
export class ThrottleRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Runs `decide` on the keys' rows (created at zero if missing), locked in key order in one
   * transaction, and stores the rows it returns: parallel attempts on a key take turns, so none
   * of them is judged on a count another has not written yet.
   */
  async locked<T>(
    keys: string[],
    now: Date,
    decide: (rows: ThrottleRow[]) => { result: T; save: ThrottleRow[] },
  ): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    return this.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO throttles (key, failures, updated_at) SELECT k, 0, $2 FROM unnest($1::text[]) AS k
         ORDER BY k ON CONFLICT (key) DO NOTHING`,
        [sorted, now],
      );
      const rows: { key: string; failures: number; blocked_until: Date | null; updated_at: Date }[] =
        await em.query(
          `SELECT key, failures, blocked_until, updated_at FROM throttles WHERE key = ANY($1::text[])
           ORDER BY key FOR UPDATE`,
          [sorted],
        );
      const { result, save } = decide(
        rows.map((r) => ({
          key: r.key,
          failures: r.failures,
          blockedUntil: r.blocked_until,
          updatedAt: r.updated_at,
        })),
      );
      for (const row of save)
        await em.query(
          'UPDATE throttles SET failures = $2, blocked_until = $3, updated_at = $4 WHERE key = $1',
          [row.key, row.failures, row.blockedUntil, row.updatedAt],
        );
      return result;
    });
  }

  async reset(key: string): Promise<void> {
    await this.ds.query('DELETE FROM throttles WHERE key = $1', [key]);
  }
}
