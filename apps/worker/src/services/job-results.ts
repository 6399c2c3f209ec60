import {
  isMediaError,
  type MediaJobCompleted,
  type MediaJobFailed,
  type MediaJobOutcome,
  type MediaQueueName,
} from '@atrium/media';

/** The job fields a result echoes back, read defensively: the payload may be what was refused. */
export interface JobIdentity {
  readonly id: string;
  readonly data: unknown;
  /** Attempts made, this one included. */
  readonly attempts: number;
}

function echo(queue: MediaQueueName, job: JobIdentity, now: Date) {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const field = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
  return {
    version: 1 as const,
    queue,
    jobId: job.id,
    assetId: field('assetId'),
    contentHash: field('contentHash'),
    relPath: field('relPath'),
    attempts: job.attempts,
    finishedAt: now.toISOString(),
  };
}

/** The result reported for a job that produced `outcome`. */
export function completedResult(queue: MediaQueueName, job: JobIdentity, outcome: MediaJobOutcome, now = new Date()): MediaJobCompleted {
  return { ...echo(queue, job, now), status: 'completed', ...outcome };
}

/** The result reported for a job that failed for good: a stable reason, `internal` for the unforeseen. */
export function failedResult(queue: MediaQueueName, job: JobIdentity, error: unknown, now = new Date()): MediaJobFailed {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  return { ...echo(queue, job, now), status: 'failed', reason: isMediaError(error) ? error.reason : 'internal', message };
}
