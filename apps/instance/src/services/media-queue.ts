import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  MEDIA_QUEUES,
  planMediaJobs,
  queuePrefix,
  resolveParams,
  type DerivativeKind,
  type DerivativeParams,
  type MediaQueueName,
  type MediaWorkRequest,
  type PlannedMediaJob,
} from '@atrium/media';
import { currentRequestId } from '@atrium/server';

/** The request being served (if any) travels in the payloads to the worker's logs (docs/contracts.md §5). */
function withRequest(request: MediaWorkRequest): MediaWorkRequest {
  const requestId = request.requestId ?? currentRequestId();
  return requestId === undefined ? request : { ...request, requestId };
}

/** The derivatives an asset of each type asks for (docs/contracts.md §5). */
export const KINDS: Readonly<Record<'image' | 'video', readonly DerivativeKind[]>> = {
  image: ['thumb', 'preview'],
  video: ['thumb', 'preview', 'poster', 'video'],
};

/** Where indexing puts work for the workers. */
export interface MediaJobSink {
  /** Adds the jobs of assets never queued before (new ids): one round trip per queue. */
  addNew(requests: readonly MediaWorkRequest[]): Promise<number>;
  /** Queues an asset's jobs afresh, replacing an earlier failed one (its payload may be stale). */
  requeue(request: MediaWorkRequest): Promise<number>;
}

export type QueueDepths = Record<MediaQueueName, Record<string, number>>;

/** The library's derivative settings, asked for at each enqueue (cached by its provider). */
export type ParamsSource = () => Promise<DerivativeParams>;

/** What {@link MediaQueues.replace} did with each planned job. */
export interface ReplaceCounts {
  /** Jobs added (new, or replacing a finished, failed or stale waiting one). */
  queued: number;
  /** Jobs already waiting with the same params: left as they are. */
  waiting: number;
  /** Jobs running now with other params: they finish as they are (press again afterwards). */
  busy: number;
}

const WAITING = ['waiting', 'delayed', 'prioritized', 'waiting-children'];

// Params compare resolved: `{}` and the defaults spelled out are the same work.
function sameParams(a: unknown, b: DerivativeParams): boolean {
  const resolvedA = resolveParams((a ?? {}) as DerivativeParams);
  const resolvedB = resolveParams(b);
  return (Object.keys(resolvedB) as Array<keyof typeof resolvedB>).every((k) => resolvedA[k] === resolvedB[k]);
}

/**
 * The instance's side of the BullMQ queues under `atrium-<node>` in its own Redis. Payloads are
 * validated by libs/media's `planMediaJobs` before anything is added; a request without `params`
 * gets the library's current derivative settings from `params` (docs/contracts.md §5).
 */
export class MediaQueues implements MediaJobSink {
  private readonly connection: Redis;
  private readonly queues: Record<MediaQueueName, Queue>;

  constructor(
    redisUrl: string,
    nodeName: string,
    private readonly params: ParamsSource = () => Promise.resolve({}),
  ) {
    // BullMQ needs commands to wait through a Redis restart rather than fail at once.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    const prefix = queuePrefix(nodeName);
    this.queues = Object.fromEntries(
      MEDIA_QUEUES.map((name) => [name, new Queue(name, { connection: this.connection, prefix })]),
    ) as Record<MediaQueueName, Queue>;
  }

  /** Validates every request, then adds each queue's jobs in one `addBulk` (one MULTI). */
  async addNew(requests: readonly MediaWorkRequest[]): Promise<number> {
    const batches = new Map<MediaQueueName, Array<{ name: string; data: object; opts: object }>>();
    const params = await this.params();
    for (const request of requests) {
      for (const job of planMediaJobs(withRequest({ ...request, params: request.params ?? params }))) {
        let batch = batches.get(job.queue);
        if (!batch) batches.set(job.queue, (batch = []));
        batch.push({ name: job.queue, data: job.payload, opts: job.options });
      }
    }
    const added = await Promise.all(
      [...batches].map(async ([name, jobs]) => (await this.queues[name].addBulk(jobs)).length),
    );
    return added.reduce((a, b) => a + b, 0);
  }

  async requeue(request: MediaWorkRequest): Promise<number> {
    return (await this.replace([request])).queued;
  }

  /**
   * Queues the requests' jobs afresh, all of a batch at once: a job waiting with the same params
   * already does the work and stays (pressing "rebuild" twice queues nothing twice); a finished or
   * failed one, or one waiting with other params, is replaced; a running one is left to finish.
   */
  async replace(requests: readonly MediaWorkRequest[]): Promise<ReplaceCounts> {
    const params = await this.params();
    const jobs = requests.flatMap((request) => planMediaJobs(withRequest({ ...request, params: request.params ?? params })));
    const outcomes = await Promise.all(jobs.map((job) => this.replaceOne(job)));
    const counts: ReplaceCounts = { queued: 0, waiting: 0, busy: 0 };
    for (const outcome of outcomes) counts[outcome]++;
    return counts;
  }

  private async replaceOne(job: PlannedMediaJob): Promise<keyof ReplaceCounts> {
    const queue = this.queues[job.queue];
    const existing = await queue.getJob(job.options.jobId);
    if (existing) {
      const state = await existing.getState();
      const same = sameParams((existing.data as { params?: unknown }).params, job.payload.params);
      if (state === 'active') return same ? 'waiting' : 'busy';
      if (WAITING.includes(state) && same) return 'waiting';
      // A job that started meanwhile holds its lock and cannot be removed: it runs as it is.
      const removed = await existing.remove().then(
        () => true,
        () => false,
      );
      if (!removed) return 'busy';
    }
    await queue.add(job.queue, job.payload, job.options);
    return 'queued';
  }

  async depths(): Promise<QueueDepths> {
    const entries = await Promise.all(
      MEDIA_QUEUES.map(
        async (name) =>
          [
            name,
            await this.queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as QueueDepths;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
