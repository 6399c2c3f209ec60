import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  CONTENT_HASH_PATTERN,
  RESULTS_QUEUE,
  derivativeRelPath,
  isMediaError,
  parseMediaJobResult,
  queuePrefix,
  type MediaJobResult,
} from '@atrium/media';
import type { InstanceConfig } from '../config.js';
import { MediaResultRepository } from '../repositories/media-result.repository.js';
import { Clock } from '../common/clock.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

const CONCURRENCY = 4;

/**
 * Reads the workers' reports from the `results` queue and writes them to this instance's database
 * (workers never open it, docs/contracts.md §5). A malformed report fails at once and stays in Redis for
 * an admin to look at; any replica may take any report.
 */
@Injectable()
export class ResultsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('results');
  private worker?: Worker;
  private connection?: Redis;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly results: MediaResultRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // BullMQ's blocking reads need commands to wait through a Redis restart, not fail.
    this.connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    this.worker = new Worker(RESULTS_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: queuePrefix(this.config.nodeName),
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.warn(`results worker: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async process(job: Job): Promise<{ applied: boolean }> {
    let result;
    try {
      result = parseMediaJobResult(job.data);
    } catch (error) {
      if (isMediaError(error)) throw new UnrecoverableError(error.message);
      throw error;
    }
    const applied = await this.results.apply(result, this.clock.now());
    if (applied) await this.removeReplacedPreview(result);
    if (result.status === 'failed')
      this.logger.warn(`${result.queue} job for asset ${result.assetId} failed: ${result.reason}`);
    return { applied };
  }

  /**
   * A rebuild after the preview format changed (docs/admin-guide.md) leaves the other format's
   * file behind: once no asset of that content names it any more, it goes, so the cache does not
   * keep a second preview of every photo.
   */
  private async removeReplacedPreview(result: MediaJobResult): Promise<void> {
    if (result.status !== 'completed' || result.queue !== 'thumbnails') return;
    // Reports come from workers that parse hostile media: only the layout's own two names count.
    if (!CONTENT_HASH_PATTERN.test(result.contentHash)) return;
    const jpeg = derivativeRelPath(result.contentHash, 'preview', 'jpeg');
    const webp = derivativeRelPath(result.contentHash, 'preview', 'webp');
    const made = result.outputs.preview;
    if (made !== jpeg && made !== webp) return;
    const other = made === jpeg ? webp : jpeg;
    if (await this.results.derivativeInUse(result.contentHash, 'preview', other)) return;
    await rm(join(this.config.cachePath, other), { force: true }).catch((error: Error) =>
      this.logger.warn(`could not remove the replaced preview ${other}: ${error.message}`),
    );
  }
}
