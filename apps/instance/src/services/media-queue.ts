import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  MEDIA_QUEUES,
  planMediaJobs,
  queuePrefix,
  type DerivativeKind,
  type MediaQueueName,
  type MediaWorkRequest,
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

/**
 * The instance's side of the BullMQ queues under `atrium-<node>` in its own Redis. Payloads are
 * validated by libs/media's `planMediaJobs` before anything is added.
 */
export class MediaQueues implements MediaJobSink {
  private readonly connection: Redis;
  private readonly queues: Record<MediaQueueName, Queue>;

  constructor(redisUrl: string, nodeName: string) {
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
    for (const request of requests) {
      for (const job of planMediaJobs(withRequest(request))) {
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
    let added = 0;
    for (const job of planMediaJobs(withRequest(request))) {
      const queue = this.queues[job.queue];
      const existing = await queue.getJob(job.options.jobId);
      const state = existing ? await existing.getState() : 'none';
      // A waiting or running job already does the work; a failed or stale one is replaced.
      if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized')
        continue;
      if (existing) await existing.remove().catch(() => undefined);
      await queue.add(job.queue, job.payload, job.options);
      added++;
    }
    return added;
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
