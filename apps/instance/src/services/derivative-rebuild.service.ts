import { Inject, Injectable, Logger } from '@nestjs/common';
import { InstanceError } from '../common/errors.js';
import { MEDIA_QUEUE } from '../common/tokens.js';
import { AdminRepository } from '../repositories/admin.repository.js';
import { DerivativeSettingsService } from './derivative-settings.service.js';
import { KINDS, type MediaQueues, type ReplaceCounts } from './media-queue.js';

/** Assets read and queued per round trip: memory stays flat whatever the library's size. */
export const REBUILD_BATCH = 500;

/** What a rebuild did. */
export interface RebuildCounts extends ReplaceCounts {
  /** Assets whose jobs were looked at. */
  assets: number;
}

/**
 * "Rebuild derivatives": after the sizes or qualities changed, queues every asset's thumbnail and
 * preview jobs (and, when asked, its video transcode) again with the current settings. The old
 * files are served until the new ones are reported; then the asset's media URLs change version.
 */
@Injectable()
export class DerivativeRebuildService {
  private readonly logger = new Logger('rebuild');
  private running = false;

  constructor(
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly admin: AdminRepository,
    private readonly settings: DerivativeSettingsService,
  ) {}

  /** `ERR_REBUILD_RUNNING` (409) while this process rebuilds; jobs dedupe across replicas. */
  async rebuild(options: { video: boolean }): Promise<RebuildCounts> {
    if (this.running) throw new InstanceError('ERR_REBUILD_RUNNING', 'a rebuild is already under way', 409);
    this.running = true;
    try {
      // Read now, not from the cache: the admin may have saved on another replica a moment ago.
      const params = await this.settings.fresh();
      const counts: RebuildCounts = { assets: 0, queued: 0, waiting: 0, busy: 0 };
      for (let after: string | null = null; ; ) {
        const page = await this.admin.assetsAfter(after, REBUILD_BATCH);
        if (page.length === 0) break;
        const done = await this.queue
          .replace(
            page.map((asset) => ({
              assetId: asset.id,
              relPath: asset.path,
              contentHash: asset.contentHash,
              kinds: KINDS[asset.mediaType].filter((kind) => options.video || kind !== 'video'),
              metadata: false,
              params,
            })),
          )
          .catch((error: Error) => {
            this.logger.warn(`rebuild stopped after ${counts.assets} assets: ${error.message}`);
            throw new InstanceError('ERR_NOT_READY', 'the media queues do not answer; try again', 503, { ...counts });
          });
        counts.assets += page.length;
        counts.queued += done.queued;
        counts.waiting += done.waiting;
        counts.busy += done.busy;
        after = page[page.length - 1]!.id;
      }
      this.logger.log(`rebuild of derivatives: ${JSON.stringify(counts)}`);
      return counts;
    } finally {
      this.running = false;
    }
  }
}
