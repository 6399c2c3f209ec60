import { opendir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DerivativeKind, ResolvedParams } from '@atrium/media';
import type { InstanceConfig } from '../config.js';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { INSTANCE_CONFIG, MEDIA_QUEUE } from '../common/tokens.js';
import {
  AdminRepository,
  type FailedAssetRow,
  type PersonRow,
  type SessionRow,
} from '../repositories/admin.repository.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { isUuid } from '../repositories/sql.js';
import { TrashRepository } from '../repositories/trash.repository.js';
import { DerivativeSettingsService } from './derivative-settings.service.js';
import { KINDS, type MediaQueues, type QueueDepths } from './media-queue.js';

/** The derivatives each media queue makes (the metadata queue makes none). */
const QUEUE_KINDS: Readonly<Record<string, readonly DerivativeKind[]>> = {
  thumbnails: ['thumb', 'preview', 'poster'],
  video: ['video'],
};
const KNOWN_QUEUES = ['metadata', 'thumbnails', 'video'];
/** How many failed assets one listing or one "retry all" handles. */
export const FAILED_PAGE = 500;
/** The cache walk stops after this many entries and says so (`complete: false`). */
export const CACHE_WALK_LIMIT = 200_000;
const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;

export interface LibrarySettings {
  deleteOriginals: boolean;
  /** WebDAV is switched by `ATRIUM_DISABLE_FEATURES` (docs/configuration.md), shown here, not changed. */
  webdav: boolean;
  /** Sizes and qualities of thumbnails, previews and transcodes in force. */
  derivatives: ResolvedParams;
  /** libs/media's defaults, shown beside them. */
  derivativeDefaults: ResolvedParams;
}

export interface LibrarySettingsChange {
  deleteOriginals?: boolean;
  /** Fields to change; `null` goes back to the defaults. */
  derivatives?: unknown;
}

export interface StorageUse {
  originals: { bytes: number; files: number };
  cache: { bytes: number; files: number; complete: boolean };
}

/** The library administration pages: people and sessions, failed media jobs, settings, storage. */
@Injectable()
export class AdminService {
  private readonly logger = new Logger('admin');

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly admin: AdminRepository,
    private readonly sessions: SessionRepository,
    private readonly trash: TrashRepository,
    private readonly derivatives: DerivativeSettingsService,
    private readonly clock: Clock,
  ) {}

  people(): Promise<PersonRow[]> {
    return this.admin.people(this.clock.now());
  }

  async sessionsOf(userId: string): Promise<SessionRow[]> {
    if (userId.length > 256 || userId.includes('\u0000') || !(await this.admin.userExists(userId)))
      throw new InstanceError('ERR_NOT_FOUND', 'no such person', 404);
    return this.admin.sessionsOf(userId, this.clock.now());
  }

  /** Ends one session: its cookie answers 401 from the next request on. */
  async endSession(id: string): Promise<void> {
    if (!SESSION_ID.test(id) || (await this.sessions.delete([id])) === 0)
      throw new InstanceError('ERR_NOT_FOUND', 'no such session', 404);
    this.logger.log(`session ${id.slice(0, 8)}… ended by an administrator`);
  }

  async failed(): Promise<{ total: number; items: FailedAssetRow[] }> {
    const [total, items] = await Promise.all([this.admin.countFailed(), this.admin.failedAssets(FAILED_PAGE)]);
    return { total, items };
  }

  /** Queue depths; null while Redis does not answer. */
  async depths(): Promise<QueueDepths | null> {
    return this.queue.depths().catch(() => null);
  }

  async retryOne(id: string): Promise<number> {
    const [asset] = isUuid(id) ? await this.admin.failedAssets(1, [id]) : [];
    if (!asset) throw new InstanceError('ERR_NOT_FOUND', 'no failed job for this asset', 404);
    return this.retry(asset);
  }

  /** Retries up to {@link FAILED_PAGE} failed assets; returns how many were retried and jobs queued. */
  async retryAll(): Promise<{ assets: number; jobs: number }> {
    let jobs = 0;
    const assets = await this.admin.failedAssets(FAILED_PAGE);
    for (const asset of assets) jobs += await this.retry(asset);
    return { assets: assets.length, jobs };
  }

  /** Clears the asset's failures and queues the failed work again (a failed job is replaced). */
  private async retry(asset: FailedAssetRow): Promise<number> {
    const queues = Object.keys(asset.failures).filter((q) => KNOWN_QUEUES.includes(q));
    const kinds = KINDS[asset.mediaType].filter((k) => queues.some((q) => QUEUE_KINDS[q]?.includes(k)));
    await this.admin.clearFailures(asset.id, Object.keys(asset.failures));
    try {
      return await this.queue.requeue({
        assetId: asset.id,
        relPath: asset.path,
        contentHash: asset.contentHash,
        kinds,
        metadata: queues.includes('metadata'),
      });
    } catch (error) {
      await this.admin.restoreFailures(asset.id, asset.failures);
      this.logger.warn(`retry of asset ${asset.id} could not be queued: ${(error as Error).message}`);
      throw new InstanceError('ERR_NOT_READY', 'the media queues do not answer; try again', 503);
    }
  }

  async settings(): Promise<LibrarySettings> {
    const [stored, derivatives] = await Promise.all([this.trash.settings(), this.derivatives.settings()]);
    return {
      deleteOriginals: stored.deleteOriginals,
      webdav: !this.config.disabledFeatures.includes('webdav'),
      derivatives: derivatives.current,
      derivativeDefaults: derivatives.defaults,
    };
  }

  /** Derivative settings are checked (and refused) before anything is written. */
  async saveSettings(change: LibrarySettingsChange): Promise<LibrarySettings> {
    if (change.derivatives !== undefined) await this.derivatives.save(change.derivatives);
    if (change.deleteOriginals !== undefined) await this.trash.saveSettings({ deleteOriginals: change.deleteOriginals });
    return this.settings();
  }

  async storage(): Promise<StorageUse> {
    const [originals, cache] = await Promise.all([this.admin.originals(), walk(this.config.cachePath)]);
    return { originals, cache };
  }
}

/** Sums the regular files under `root` without following links, stopping at {@link CACHE_WALK_LIMIT} entries. */
async function walk(root: string): Promise<{ bytes: number; files: number; complete: boolean }> {
  let bytes = 0;
  let files = 0;
  let seen = 0;
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      continue;
    }
    for await (const entry of handle) {
      if (++seen > CACHE_WALK_LIMIT) return { bytes, files, complete: false };
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const stat = await lstat(path).catch(() => undefined);
        if (stat) {
          bytes += stat.size;
          files++;
        }
      }
    }
  }
  return { bytes, files, complete: true };
}
