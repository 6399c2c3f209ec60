import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { InstanceConfig } from '../config.js';
import { IndexRunRepository, type IndexRun } from '../repositories/index-run.repository.js';
import { LibraryFilesRepository } from '../repositories/library-files.repository.js';
import { LibraryStatsRepository, type LibraryStats } from '../repositories/library-stats.repository.js';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { HEARTBEAT_MS, Indexer, STALE_AFTER_MS } from './indexing/indexer.js';
import type { MediaQueues, QueueDepths } from './media-queue.js';
import { INSTANCE_CONFIG, MEDIA_QUEUE } from '../common/tokens.js';

export type { IndexRun };

/** Index progress as the API shows it. */
export interface IndexStatus {
  run: IndexRun | null;
  queues: QueueDepths | null;
  library: LibraryStats;
}

/** Starts index runs in the background (one at a time across replicas) and reports progress. */
@Injectable()
export class LibraryIndexService implements OnModuleDestroy {
  private readonly logger = new Logger('index');
  private current?: { abort: AbortController; done: Promise<void> };

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly runs: IndexRunRepository,
    private readonly files: LibraryFilesRepository,
    private readonly stats: LibraryStatsRepository,
    private readonly clock: Clock,
  ) {}

  /** Starts a run; `ERR_INDEX_RUNNING` (409) while one is under way anywhere. */
  async start(input: { rescan: boolean; requestedBy: string | null }): Promise<IndexRun> {
    const run = await this.runs.start(input, this.clock.now(), STALE_AFTER_MS);
    if (!run) throw new InstanceError('ERR_INDEX_RUNNING', 'an index run is already under way', 409);
    const abort = new AbortController();
    const heartbeat = setInterval(
      () => void this.runs.heartbeat(run.id, this.clock.now()).catch(() => undefined),
      HEARTBEAT_MS,
    );
    const indexer = new Indexer({
      files: this.files,
      runs: this.runs,
      queue: this.queue,
      originalsPath: this.config.originalsPath,
      cachePath: this.config.cachePath,
      now: () => this.clock.now(),
      signal: abort.signal,
    });
    const done = indexer
      .run(run)
      .then((counts) => this.logger.log(`index run ${run.id} done: ${JSON.stringify(counts)}`))
      .catch((error: Error) => this.logger.warn(`index run ${run.id} failed: ${error.message}`))
      .finally(() => {
        clearInterval(heartbeat);
        this.current = undefined;
      });
    this.current = { abort, done };
    return run;
  }

  async status(): Promise<IndexStatus> {
    const [[run], queues, library] = await Promise.all([
      this.runs.latest(1),
      this.queue.depths().catch(() => null),
      this.stats.stats(),
    ]);
    return { run: run ?? null, queues, library };
  }

  /** Waits for the run this process started, if any (tests, shutdown). */
  async settled(): Promise<void> {
    await this.current?.done;
  }

  async onModuleDestroy(): Promise<void> {
    this.current?.abort.abort();
    await this.current?.done;
    await this.queue.close();
  }
}
