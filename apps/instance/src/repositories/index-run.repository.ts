import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Counters of one run, shown as progress while it goes. */
export interface IndexCounts {
  /** Media files found by the walk. */
  seen: number;
  /** Files read to compute a content hash. */
  hashed: number;
  bytesHashed: number;
  added: number;
  changed: number;
  moved: number;
  /** Files that vanished from the originals: their assets are marked missing. */
  removed: number;
  /** Files that came back after being missing. */
  restored: number;
  unchanged: number;
  /** Files passed over: not media, hidden, unsupported content. */
  skipped: number;
  /** Files whose content was deleted for good earlier (a tombstone keeps them out). */
  tombstoned: number;
  /** Entries refused for safety: symlinks out of the root, unsafe names. */
  refused: number;
  /** Files that could not be read. */
  errors: number;
  jobsQueued: number;
}

export type IndexPhase = 'walking' | 'reconciling' | 'queueing' | 'done';

export interface IndexRun {
  id: string;
  status: 'running' | 'completed' | 'failed';
  rescan: boolean;
  requestedBy: string | null;
  phase: IndexPhase;
  counts: IndexCounts;
  error: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
}

export function emptyCounts(): IndexCounts {
  return {
    seen: 0,
    hashed: 0,
    bytesHashed: 0,
    added: 0,
    changed: 0,
    moved: 0,
    removed: 0,
    restored: 0,
    unchanged: 0,
    skipped: 0,
    tombstoned: 0,
    refused: 0,
    errors: 0,
    jobsQueued: 0,
  };
}

interface RunRow {
  id: string;
  status: IndexRun['status'];
  rescan: boolean;
  requested_by: string | null;
  phase: IndexPhase;
  counts: IndexCounts;
  error: string | null;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
}

function toRun(row: RunRow): IndexRun {
  return {
    id: row.id,
    status: row.status,
    rescan: row.rescan,
    requestedBy: row.requested_by,
    phase: row.phase,
    counts: { ...emptyCounts(), ...row.counts },
    error: row.error,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    finishedAt: row.finished_at,
  };
}

/** Index runs: at most one running (a unique index), progress written as it goes. */
@Injectable()
export class IndexRunRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Starts a run; `undefined` when another one is running. A run whose heartbeat stopped longer
   * than `staleAfterMs` ago belonged to a process that died: it is marked failed first.
   */
  async start(
    input: { rescan: boolean; requestedBy: string | null },
    now: Date,
    staleAfterMs: number,
  ): Promise<IndexRun | undefined> {
    await this.db.query(
      `UPDATE index_runs SET status = 'failed', error = 'the indexing process stopped', finished_at = $1
       WHERE status = 'running' AND heartbeat_at < $2`,
      [now, new Date(now.getTime() - staleAfterMs)],
    );
    const rows = (await this.db.query(
      `INSERT INTO index_runs (id, status, rescan, requested_by, phase, counts, started_at, heartbeat_at)
       VALUES ($1, 'running', $2, $3, 'walking', $4, $5, $5) ON CONFLICT DO NOTHING RETURNING *`,
      [randomUUID(), input.rescan, input.requestedBy, emptyCounts(), now],
    )) as RunRow[];
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async progress(id: string, phase: IndexPhase, counts: IndexCounts, now: Date): Promise<void> {
    await this.db.query('UPDATE index_runs SET phase = $2, counts = $3, heartbeat_at = $4 WHERE id = $1', [
      id,
      phase,
      counts,
      now,
    ]);
  }

  async heartbeat(id: string, now: Date): Promise<void> {
    await this.db.query("UPDATE index_runs SET heartbeat_at = $2 WHERE id = $1 AND status = 'running'", [
      id,
      now,
    ]);
  }

  async finish(
    id: string,
    outcome: { status: 'completed' | 'failed'; counts: IndexCounts; error?: string },
    now: Date,
  ): Promise<void> {
    await this.db.query(
      `UPDATE index_runs SET status = $2, phase = 'done', counts = $3, error = $4, heartbeat_at = $5, finished_at = $5 WHERE id = $1`,
      [id, outcome.status, outcome.counts, outcome.error ?? null, now],
    );
  }

  async find(id: string): Promise<IndexRun | undefined> {
    const rows = (await this.db.query('SELECT * FROM index_runs WHERE id = $1', [id])) as RunRow[];
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async latest(limit = 1): Promise<IndexRun[]> {
    const rows = (await this.db.query('SELECT * FROM index_runs ORDER BY started_at DESC LIMIT $1', [
      limit,
    ])) as RunRow[];
    return rows.map(toRun);
  }
}
