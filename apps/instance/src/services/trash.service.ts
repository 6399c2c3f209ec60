import { unlink } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isMediaError, resolveOriginal } from '@atrium/media';
import { isWithinPath, normalizeFolder, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { TrashRepository, type EmptiedRow, type TrashSettings } from '../repositories/trash.repository.js';
import { Clock } from '../common/clock.js';
import { notFoundOrNoAccess } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

// One request empties at most this many; the screen asks again while more are left.
const EMPTY_BATCH = 5000;

/**
 * The trash (docs/architecture.md, Storage): delete moves assets there, restore brings them back,
 * emptying removes them for good with a tombstone each, so a re-scan never brings them back. Files
 * are removed from disk only for uploads inside their uploader's upload path, or everywhere when
 * the library setting "delete originals" is on.
 */
@Injectable()
export class TrashService {
  private readonly logger = new Logger('trash');

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly access: AccessRepository,
    private readonly trash: TrashRepository,
    private readonly clock: Clock,
  ) {}

  async moveToTrash(viewer: Viewer, ids: string[]): Promise<number> {
    const wanted = [...new Set(ids)];
    if ((await this.access.deletableAssets(viewer, wanted)).size !== wanted.length)
      throw notFoundOrNoAccess('asset');
    return this.trash.trash(wanted, viewer.id!, this.clock.now());
  }

  async restore(viewer: Viewer, ids: string[]): Promise<number> {
    const wanted = [...new Set(ids)];
    if ((await this.access.deletableAssets(viewer, wanted, true)).size !== wanted.length)
      throw notFoundOrNoAccess('asset');
    return this.trash.restore(wanted, this.clock.now());
  }

  /** Empties the named trashed assets, or (without ids) as many of the viewer's trash as one batch holds. */
  async empty(
    viewer: Viewer,
    ids: string[] | undefined,
  ): Promise<{ count: number; filesRemoved: number; remaining: boolean }> {
    let wanted: string[];
    if (ids) {
      wanted = [...new Set(ids)];
      if ((await this.access.deletableAssets(viewer, wanted, true)).size !== wanted.length)
        throw notFoundOrNoAccess('asset');
    } else wanted = await this.trash.allDeletable(viewer, EMPTY_BATCH + 1);
    const remaining = !ids && wanted.length > EMPTY_BATCH;
    const emptied = await this.trash.empty(wanted.slice(0, EMPTY_BATCH), this.clock.now());
    const filesRemoved = await this.removeFiles(emptied);
    return { count: emptied.length, filesRemoved, remaining };
  }

  settings(): Promise<TrashSettings> {
    return this.trash.settings();
  }

  async saveSettings(settings: TrashSettings): Promise<TrashSettings> {
    await this.trash.saveSettings({ deleteOriginals: settings.deleteOriginals });
    return this.trash.settings();
  }

  private async removeFiles(emptied: EmptiedRow[]): Promise<number> {
    const { deleteOriginals } = await this.settings();
    const uploaders = [...new Set(emptied.flatMap((r) => (r.uploadedBy ? [r.uploadedBy] : [])))];
    const uploadPaths = await this.trash.uploadPathsOf(uploaders);
    let removed = 0;
    for (const row of emptied) {
      const uploadPath = row.uploadedBy ? normalizeFolder(uploadPaths.get(row.uploadedBy) ?? null) : null;
      const inUploadPath = uploadPath !== null && isWithinPath(row.path, uploadPath);
      if (!deleteOriginals && !inUploadPath) continue;
      if (await this.removeOriginal(row.path)) removed++;
    }
    return removed;
  }

  /** Removes one original, never following a path or link outside the originals root. */
  private async removeOriginal(relPath: string): Promise<boolean> {
    try {
      const original = await resolveOriginal(this.config.originalsPath, relPath);
      await unlink(original.path);
      return true;
    } catch (error) {
      if (isMediaError(error)) return false;
      this.logger.warn(`could not remove ${relPath}: ${(error as Error).message}`);
      return false;
    }
  }
}
