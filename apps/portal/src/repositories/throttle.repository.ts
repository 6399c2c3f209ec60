import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Failure counters in Postgres, so every replica sees the same delays. */
@Injectable()
export class ThrottleRepository {
  constructor(private readonly ds: DataSource) {}

  async blockedUntil(keys: string[], now: Date): Promise<Date | undefined> {
    const rows: { until: Date | null }[] = await this.ds.query(
      'SELECT max(blocked_until) AS until FROM throttles WHERE key = ANY($1) AND blocked_until > $2',
      [keys, now],
    );
    return rows[0]?.until ?? undefined;
  }

  /** Counts one failure atomically and returns the new count. */
  async recordFailure(key: string, now: Date, resetBefore: Date): Promise<number> {
    const rows: { failures: number }[] = await this.ds.query(
      `INSERT INTO throttles (key, failures, updated_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN throttles.updated_at < $3 THEN 1 ELSE throttles.failures + 1 END, updated_at = $2
       RETURNING failures`,
      [key, now, resetBefore],
    );
    return rows[0]!.failures;
  }

  async block(key: string, until: Date): Promise<void> {
    await this.ds.query('UPDATE throttles SET blocked_until = $2 WHERE key = $1', [key, until]);
  }

  async reset(key: string): Promise<void> {
    await this.ds.query('DELETE FROM throttles WHERE key = $1', [key]);
  }
}
