import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { MEDIA_QUEUE } from '../common/tokens.js';
import { AdminRepository } from '../repositories/admin.repository.js';
import { RebuildRunRepository, type RebuildRun } from '../repositories/rebuild-run.repository.js';
import { DerivativeSettingsService } from './derivative-settings.service.js';
import { KINDS, type MediaQueues } from './media-queue.js';

export type { RebuildRun };

/** Assets read and queued per round trip: memory stays flat whatever the library's size. */
export const REBUILD_BATCH = 500;
/** Progress is saved at least this often while a run goes (it is its heartbeat too). */
export const REBUILD_HEARTBEAT_MS = 5_000;
/** A run whose heartbeat is older than this (its process died) may be taken over. */
export const REBUILD_STALE_MS = 60_000;

/**
 * "Rebuild derivatives": after the sizes or qualities changed, queues every asset's thumbnail and
 * preview jobs (and, when asked, its video transcode) again with the current settings, in the
 * background (a million assets take minutes, longer than a proxy waits for an answer), one run at
 * a time across replicas, with its progress in the settings store. The old files are served until
 * the new ones are reported; then the asset's media URLs change version.
 */
@Injectable()
export class DerivativeRebuildService implements OnModuleDestroy {
  private readonly logger = new Logger('rebuild');
  private current?: { abort: AbortController; done: Promise<void> };

  constructor(
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly admin: AdminRepository,
    private readonly runs: RebuildRunRepository,
    private readonly settings: DerivativeSettingsService,
    private readonly clock: Clock,
  ) {}

  /** Starts a run; `ERR_REBUILD_RUNNING` (409) while one is under way on any replica. */
  async start(options: { video: boolean }): Promise<RebuildRun> {
    const now = this.clock.now();
    const run: RebuildRun = {
      id: randomUUID(),
      status: 'running',
      video: options.video,
      total: await this.admin.countPresent(),
      assets: 0,
      queued: 0,
      waiting: 0,
      busy: 0,
      error: null,
      startedAt: now.toISOString(),
      heartbeatAt: now.toISOString(),
      finishedAt: null,
    };
    if (!(await this.runs.claim(run, now, REBUILD_STALE_MS)))
      throw new InstanceError('ERR_REBUILD_RUNNING', 'a rebuild of the derivatives is already under way', 409);
    const abort = new AbortController();
    const done = this.run(run, abort.signal).finally(() => (this.current = undefined));
    this.current = { abort, done };
    return run;
  }

  latest(): Promise<RebuildRun | null> {
    return this.runs.latest();
  }

  /** Waits for the run this process started, if any (tests, shutdown). */
  async settled(): Promise<void> {
    await this.current?.done;
  }

  async onModuleDestroy(): Promise<void> {
    this.current?.abort.abort();
    await this.current?.done;
  }

  private async run(run: RebuildRun, signal: AbortSignal): Promise<void> {
    let savedAt = Date.now();
    try {
      // Read now, not from the cache: the admin may have saved on another replica a moment ago.
      const params = await this.settings.fresh();
      for (let after: string | null = null; ; ) {
        if (signal.aborted) throw new InstanceError('ERR_NOT_READY', 'the instance stopped during the rebuild', 503);
        const page = await this.admin.assetsAfter(after, REBUILD_BATCH);
        if (page.length === 0) break;
        const done = await this.queue.replace(
          page.map((asset) => ({
            assetId: asset.id,
            relPath: asset.path,
            contentHash: asset.contentHash,
            kinds: KINDS[asset.mediaType].filter((kind) => run.video || kind !== 'video'),
            metadata: false,
            params,
          })),
        );
        run.assets += page.length;
        run.queued += done.queued;
        run.waiting += done.waiting;
        run.busy += done.busy;
        after = page[page.length - 1]!.id;
        if (Date.now() - savedAt >= REBUILD_HEARTBEAT_MS) {
          savedAt = Date.now();
          if (!(await this.saveProgress(run))) return;
        }
      }
      await this.finish(run, 'completed', null);
      this.logger.log(`rebuild of derivatives ${run.id} done: ${run.assets} assets, ${run.queued} jobs queued`);
    } catch (error) {
      const code = error instanceof InstanceError ? error.code : 'ERR_NOT_READY';
      this.logger.warn(`rebuild ${run.id} stopped after ${run.assets} assets: ${(error as Error).message}`);
      await this.finish(run, 'failed', code).catch(() => undefined);
    }
  }

  // False when another replica took the run over (this one was thought dead): it stops.
  private saveProgress(run: RebuildRun): Promise<boolean> {
    run.heartbeatAt = this.clock.now().toISOString();
    return this.runs.save(run);
  }

  private async finish(run: RebuildRun, status: RebuildRun['status'], error: string | null): Promise<void> {
    run.status = status;
    run.error = error;
    run.finishedAt = this.clock.now().toISOString();
    await this.saveProgress(run);
  }
}
