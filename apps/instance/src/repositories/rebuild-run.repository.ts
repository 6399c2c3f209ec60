import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getSetting } from '@atrium/server';

const KEY = 'library.rebuild';

/** One "rebuild derivatives" run, as the admin page shows its progress. */
export interface RebuildRun {
  id: string;
  status: 'running' | 'completed' | 'failed';
  /** Video transcodes are queued again too. */
  video: boolean;
  /** Assets with their original present when the run started. */
  total: number;
  /** Assets looked at so far. */
  assets: number;
  /** Jobs added with the current settings. */
  queued: number;
  /** Jobs already waiting with these settings, left as they were. */
  waiting: number;
  /** Jobs running with older settings when their turn came. */
  busy: number;
  /** The stable code of what stopped a failed run. */
  error: string | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
}

/**
 * The latest rebuild run, one row of the settings store shared by every replica: claiming it is
 * atomic, so one run goes at a time across replicas, and one whose process died (no heartbeat for
 * `staleMs`) may be taken over.
 */
@Injectable()
export class RebuildRunRepository {
  constructor(private readonly db: DataSource) {}

  async latest(): Promise<RebuildRun | null> {
    return (await getSetting<RebuildRun>(this.db, KEY)) ?? null;
  }

  /** Records `run` as the running one unless another is running and alive; true when claimed. */
  async claim(run: RebuildRun, now: Date, staleMs: number): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
       WHERE settings.value ->> 'status' <> 'running' OR (settings.value ->> 'heartbeatAt')::timestamptz < $4
       RETURNING key`,
      [KEY, JSON.stringify(run), now, new Date(now.getTime() - staleMs)],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Saves the run's progress, only while it is still the recorded run (not taken over). */
  async save(run: RebuildRun): Promise<boolean> {
    const [, count] = (await this.db.query(
      `UPDATE settings SET value = $2, updated_at = now() WHERE key = $1 AND value ->> 'id' = $3`,
      [KEY, JSON.stringify(run), run.id],
    )) as [unknown, number];
    return count === 1;
  }
}
