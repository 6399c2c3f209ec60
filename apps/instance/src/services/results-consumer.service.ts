import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { RESULTS_QUEUE, isMediaError, parseMediaJobResult, queuePrefix } from '@atrium/media';
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
    if (result.status === 'failed')
      this.logger.warn(`${result.queue} job for asset ${result.assetId} failed: ${result.reason}`);
    return { applied };
  }
}
