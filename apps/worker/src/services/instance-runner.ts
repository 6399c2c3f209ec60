import {
  MEDIA_QUEUES,
  RESULTS_QUEUE,
  SharedDerivativeStore,
  queuePrefix,
  type FfmpegBinaries,
  type MediaQueueName,
} from '@atrium/media';
import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerConfig, WorkerInstance } from '../config.js';
import { createProcessor, report, SHUTDOWN_REASON } from './job-processor.js';
import { failedResult } from './job-results.js';
import type { QueueDepth, WorkerMetrics } from './worker-metrics.js';

// A stalled job has lost its worker (killed, out of memory); twice is allowed before it fails.
const MAX_STALLED = 2;

/**
 * One instance's share of the worker: its own Redis connection, its queues under `atrium-<node>`,
 * one BullMQ worker per queue, and its `results` queue. Nothing here is shared with another
 * instance, so their jobs cannot mix.
 */
export class InstanceRunner {
  private readonly logger: Logger;
  private readonly connection: Redis;
  private readonly results: Queue;
  private readonly queues: Queue[];
  private readonly workers: Worker[] = [];
  private shuttingDown = false;
  private stopping?: Promise<void>;

  constructor(
    private readonly instance: WorkerInstance,
    private readonly config: WorkerConfig,
    private readonly binaries: FfmpegBinaries,
    private readonly metrics: WorkerMetrics,
  ) {
    this.logger = new Logger(`worker:${instance.name}`);
    // BullMQ's blocking reads need commands to wait through a Redis restart, not fail.
    this.connection = new Redis(instance.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    const prefix = queuePrefix(instance.name);
    this.results = this.watch(new Queue(RESULTS_QUEUE, { connection: this.connection, prefix }));
    this.queues = MEDIA_QUEUES.map((name) => this.watch(new Queue(name, { connection: this.connection, prefix })));
  }

  /** Starts one BullMQ worker per media queue. */
  start(): void {
    const prefix = queuePrefix(this.instance.name);
    const context = {
      originalsPath: this.instance.originalsPath,
      cachePath: this.instance.cachePath,
      limits: this.config.limits,
      binaries: this.binaries,
      sharedStore: this.config.sharedDerivativesPath ? new SharedDerivativeStore(this.config.sharedDerivativesPath) : null,
    };
    for (const queue of MEDIA_QUEUES) {
      const processor = createProcessor({
        instance: this.instance.name,
        queue,
        context,
        results: this.results,
        metrics: this.metrics,
        isShuttingDown: () => this.shuttingDown,
      });
      const worker = new Worker(queue, processor, {
        connection: this.connection,
        prefix,
        concurrency: this.config.concurrency[queue],
        lockDuration: this.config.locking.lockDurationMs,
        stalledInterval: this.config.locking.stalledIntervalMs,
        maxStalledCount: MAX_STALLED,
      });
      worker.on('failed', (job, error) => void this.onFailed(queue, job, error));
      this.workers.push(this.watch(worker));
    }
  }

  /**
   * Stops taking jobs, lets running ones finish for `graceMs`, then cancels the rest, which the
   * processor hands back to the queue; closes the connection last.
   */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= this.drain(graceMs);
    return this.stopping;
  }

  private async drain(graceMs: number): Promise<void> {
    this.shuttingDown = true;
    const timer = setTimeout(() => this.workers.forEach((w) => w.cancelAllJobs(SHUTDOWN_REASON)), graceMs);
    await Promise.all(this.workers.map((w) => w.close()));
    clearTimeout(timer);
    await Promise.all([...this.queues, this.results].map((q) => q.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  /** Job counts per media queue, for the metrics. */
  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      this.queues.map(async (q) => ({ instance: this.instance.name, queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized') })),
    );
  }

  /** Jobs BullMQ failed without the processor (stalled too often) are still reported. */
  private async onFailed(queue: MediaQueueName, job: Job | undefined, error: Error): Promise<void> {
    if (!job || !/stalled/i.test(error.message)) return;
    const result = failedResult(queue, { id: job.id ?? '', data: job.data, attempts: job.attemptsMade + 1 }, error);
    await report(this.results, result).catch((e: Error) => this.logger.warn(`cannot report ${job.id}: ${e.message}`));
  }

  private watch<T extends Queue | Worker>(emitter: T): T {
    (emitter as Worker).on('error', (error: Error) => this.logger.warn(`${emitter.name}: ${error.message}`));
    return emitter;
  }
}
