import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How many attempts a key allows in a window, and how long it is blocked after that. */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
  blockMs: number;
}

/**
 * Counters of password attempts on share links, in Postgres so every replica shares them. Each
 * attempt is counted before it is judged, in one atomic upsert, so parallel guesses cannot slip
 * past the limit.
 */
@Injectable()
export class LinkThrottleRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Counts an attempt on `key`; returns when the key is blocked until (now or later: refuse), or
   * `null` when the attempt may be judged.
   */
  async count(key: string, rule: ThrottleRule, now: Date): Promise<Date | null> {
    const [row] = (await this.db.query(
      `INSERT INTO share_link_throttles AS t (key, failures, window_start) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_start <= $2 - $3 * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END,
         window_start = CASE WHEN t.window_start <= $2 - $3 * interval '1 millisecond' THEN $2 ELSE t.window_start END
       RETURNING failures, blocked_until`,
      [key, now, rule.windowMs],
    )) as Array<{ failures: number; blocked_until: Date | null }>;
    if (row!.blocked_until && row!.blocked_until > now) return row!.blocked_until;
    if (row!.failures > rule.limit) {
      const until = new Date(now.getTime() + rule.blockMs);
      await this.db.query('UPDATE share_link_throttles SET blocked_until = $2 WHERE key = $1', [key, until]);
      return until;
    }
    return null;
  }

  /** Forgets the attempts on `key` (after a right password on that link). */
  async reset(key: string): Promise<void> {
    await this.db.query('DELETE FROM share_link_throttles WHERE key = $1', [key]);
  }
}
