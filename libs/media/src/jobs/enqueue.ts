import type { DerivativeKind } from '../paths.js';
import type { DerivativeParams } from './params.js';
import { mediaJobId, parseMediaJobPayload, type MediaJobPayload, type MediaQueueName } from './payload.js';

/** BullMQ options every media job is added with. */
export interface MediaJobOptions {
  readonly jobId: string;
  readonly attempts: number;
  readonly backoff: { readonly type: 'exponential'; readonly delay: number };
  /** Completed jobs go, so re-adding the same id after the cache was cleared rebuilds. */
  readonly removeOnComplete: true;
  /** Failed jobs stay, with their reason, until re-enqueued. */
  readonly removeOnFail: false;
}

/** Retries for errors a retry can fix (I/O, a worker killed); content errors fail at once. */
const ATTEMPTS: Readonly<Record<MediaQueueName, number>> = { metadata: 4, thumbnails: 4, video: 3 };
const BACKOFF_MS = 5_000;

/** The options for one media job: its idempotent id, retries with exponential backoff, retention. */
export function mediaJobOptions(queue: MediaQueueName, payload: MediaJobPayload): MediaJobOptions {
  return {
    jobId: mediaJobId(payload),
    attempts: ATTEMPTS[queue],
    backoff: { type: 'exponential', delay: BACKOFF_MS },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

/** What an instance asks for one asset: metadata, and the derivatives in `kinds`. */
export interface MediaWorkRequest {
  readonly assetId: string;
  readonly relPath: string;
  readonly contentHash: string;
  readonly kinds: readonly DerivativeKind[];
  readonly params?: DerivativeParams;
  /** Also read metadata (default true). */
  readonly metadata?: boolean;
  /** The HTTP request asking for the work, carried in each payload to the worker's logs. */
  readonly requestId?: string;
}

/** One job of a {@link MediaWorkRequest}, validated and ready to add. */
export interface PlannedMediaJob {
  readonly queue: MediaQueueName;
  readonly payload: MediaJobPayload;
  readonly options: MediaJobOptions;
}

/**
 * Splits a request into validated jobs: `metadata` (no kinds), `thumbnails` (thumb, preview,
 * poster) and `video`. Throws `invalid_payload` or `forbidden_path` before anything is queued.
 */
export function planMediaJobs(request: MediaWorkRequest): PlannedMediaJob[] {
  const base = { assetId: request.assetId, relPath: request.relPath, contentHash: request.contentHash, params: request.params ?? {} };
  const image = request.kinds.filter((k) => k !== 'video');
  const parts: Array<[MediaQueueName, readonly DerivativeKind[]]> = [];
  if (request.metadata !== false) parts.push(['metadata', []]);
  if (image.length > 0) parts.push(['thumbnails', image]);
  if (request.kinds.includes('video')) parts.push(['video', ['video']]);
  return parts.map(([queue, kinds]) => {
    const payload = parseMediaJobPayload({
      assetId: base.assetId,
      relPath: base.relPath,
      contentHash: base.contentHash,
      kinds: [...kinds],
      params: base.params,
      ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
    });
    return { queue, payload, options: mediaJobOptions(queue, payload) };
  });
}

/** The parts of a BullMQ job the enqueue helper touches. */
export interface QueuedJobLike {
  getState(): Promise<string>;
  retry(state?: 'failed'): Promise<void>;
}

/** The parts of a BullMQ `Queue` the enqueue helper touches (libs/media does not depend on bullmq). */
export interface MediaQueueLike {
  add(name: string, data: MediaJobPayload, opts: MediaJobOptions): Promise<QueuedJobLike>;
}

/** What happened to one planned job: queued (new, or already there), or a failed one retried. */
export type EnqueueOutcome = 'queued' | 'retried';

/**
 * Validates and adds a request's jobs to an instance's queues. An id already queued is left alone;
 * one that failed earlier is retried, so re-enqueueing after a fix needs nothing more.
 */
export async function enqueueMediaJobs(
  queues: Readonly<Record<MediaQueueName, MediaQueueLike>>,
  request: MediaWorkRequest,
): Promise<Array<{ queue: MediaQueueName; jobId: string; outcome: EnqueueOutcome }>> {
  const planned = planMediaJobs(request);
  const outcomes = [];
  for (const { queue, payload, options } of planned) {
    const job = await queues[queue].add(queue, payload, options);
    const failed = (await job.getState()) === 'failed';
    if (failed) await job.retry('failed');
    outcomes.push({ queue, jobId: options.jobId, outcome: failed ? ('retried' as const) : ('queued' as const) });
  }
  return outcomes;
}
