import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  MEDIA_QUEUES,
  MediaError,
  planMediaJobs,
  queuePrefix,
  type DerivativeKind,
  type MediaFailureReason,
  type MediaQueueName,
  type MediaWorkRequest,
} from '@atrium/media';

/** The derivatives an asset of each type asks for (CONTRACTS §5). */
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

/** A message to the job thread: add these requests' jobs, or close. */
export type JobThreadRequest =
  | { type: 'add'; id: number; requests: readonly MediaWorkRequest[] }
  | { type: 'close' };
/** The job thread's answer to one `add`. */
export type JobThreadReply =
  | { id: number; added: number }
  | { id: number; error: { message: string; reason: MediaFailureReason | undefined } };

// The compiled thread next to this module; running from sources (tests), jobs are added in-process.
const THREAD_SCRIPT = new URL('./indexing/job-thread.js', import.meta.url);
// A thread left without work this long is closed (a server indexes now and then).
const THREAD_IDLE_MS = 30_000;

/** Whether `addNew` may hand its work to a thread (only compiled code has the thread's script). */
export const jobThreadAvailable = (): boolean =>
  import.meta.url.endsWith('.js') && existsSync(fileURLToPath(THREAD_SCRIPT));

/**
 * The instance's side of the BullMQ queues under `atrium-<node>` in its own Redis. Payloads are
 * validated by libs/media's `planMediaJobs` before anything is added. Indexing's bulk adds
 * (`addNew`) run on a worker thread with its own Redis connection when the code is compiled, so
 * the validation, BullMQ's serialisation and Redis's replies overlap with the walk.
 */
export class MediaQueues implements MediaJobSink {
  private readonly connection: Redis;
  private readonly queues: Record<MediaQueueName, Queue>;
  private readonly useThread: boolean;
  private thread?: JobThread;

  constructor(
    private readonly redisUrl: string,
    private readonly nodeName: string,
    options: { thread?: boolean } = {},
  ) {
    // BullMQ needs commands to wait through a Redis restart rather than fail at once.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    const prefix = queuePrefix(nodeName);
    this.queues = Object.fromEntries(
      MEDIA_QUEUES.map((name) => [name, new Queue(name, { connection: this.connection, prefix })]),
    ) as Record<MediaQueueName, Queue>;
    this.useThread = options.thread ?? jobThreadAvailable();
  }

  /** Whether `addNew` hands its work to the worker thread. */
  get threaded(): boolean {
    return this.useThread;
  }

  async addNew(requests: readonly MediaWorkRequest[]): Promise<number> {
    if (!requests.length) return 0;
    if (!this.useThread) return this.addHere(requests);
    if (!this.thread?.running) this.thread = new JobThread(this.redisUrl, this.nodeName);
    return this.thread.add(requests);
  }

  /** Validates every request, then adds each queue's jobs in one `addBulk` (one MULTI). */
  private async addHere(requests: readonly MediaWorkRequest[]): Promise<number> {
    const batches = new Map<MediaQueueName, Array<{ name: string; data: object; opts: object }>>();
    for (const request of requests) {
      for (const job of planMediaJobs(request)) {
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
    for (const job of planMediaJobs(request)) {
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
    await this.thread?.close();
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/** The main thread's end of the job thread: one request in flight per batch, answered in turn. */
class JobThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private idle?: NodeJS.Timeout;
  private exited?: Promise<void>;
  running = true;

  constructor(redisUrl: string, nodeName: string) {
    this.worker = new Worker(THREAD_SCRIPT, {
      workerData: { redisUrl, nodeName },
      // BullMQ and ioredis make much short-lived garbage per job: a larger young generation
      // collects it less often (about a sixth less CPU for the thread, measured).
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    this.worker.on('message', (reply: JobThreadReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.fail(new Error('the job thread stopped'));
        resolve();
      }),
    );
  }

  add(requests: readonly MediaWorkRequest[]): Promise<number> {
    clearTimeout(this.idle);
    this.worker.ref();
    const id = this.nextId++;
    const answer = new Promise<number>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ type: 'add', id, requests } satisfies JobThreadRequest);
    return answer;
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    if (this.running) {
      this.running = false;
      this.worker.postMessage({ type: 'close' } satisfies JobThreadRequest);
    }
    // The thread closes its Redis connection and ends; one that hangs is stopped.
    const stop = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(stop);
  }

  private settle(reply: JobThreadReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('added' in reply) waiting.resolve(reply.added);
    else {
      const { message, reason } = reply.error;
      waiting.reject(reason ? new MediaError(reason, message) : new Error(message));
    }
    if (this.pending.size === 0) {
      // Waiting for nothing, the thread keeps no process alive, and goes after a while.
      this.worker.unref();
      this.idle = setTimeout(() => void this.close(), THREAD_IDLE_MS).unref();
    }
  }

  private fail(error: Error): void {
    this.running = false;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
