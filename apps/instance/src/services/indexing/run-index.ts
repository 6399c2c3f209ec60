import { createDataSource, migrateDatabase } from '@atrium/server';
import type { IndexTarget } from '../../config.js';
import { instanceEntities } from '../../entities/index.js';
import { instanceMigrations } from '../../migrations/index.js';
import {
  IndexRunRepository,
  type IndexCounts,
  type IndexRun,
} from '../../repositories/index-run.repository.js';
import { LibraryFilesRepository } from '../../repositories/library-files.repository.js';
import { InstanceError } from '../../common/errors.js';
import { DerivativeSettingsRepository } from '../../repositories/derivative-settings.repository.js';
import { DerivativeSettingsService } from '../derivative-settings.service.js';
import { MediaQueues } from '../media-queue.js';
import { HEARTBEAT_MS, Indexer, STALE_AFTER_MS } from './indexer.js';

export interface RunIndexOptions {
  rescan: boolean;
  requestedBy: string;
  /** Called about once a second with the run as saved. */
  onProgress?: (run: IndexRun) => void;
}

/**
 * One index run outside the server (`atrium instance index`): the same indexer, database and
 * queues, and the same one-run-at-a-time rule (`ERR_INDEX_RUNNING` while the server indexes).
 */
export async function runIndex(target: IndexTarget, options: RunIndexOptions): Promise<IndexCounts> {
  await migrateDatabase({
    url: target.databaseUrl,
    entities: instanceEntities,
    migrations: instanceMigrations,
  });
  const db = createDataSource({
    url: target.databaseUrl,
    entities: instanceEntities,
    migrations: instanceMigrations,
    applicationName: `atrium-index-${target.nodeName}`,
  });
  await db.initialize();
  const settings = new DerivativeSettingsService(new DerivativeSettingsRepository(db));
  const queue = new MediaQueues(target.redisUrl, target.nodeName, () => settings.params());
  const runs = new IndexRunRepository(db);
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = await runs.start(
      { rescan: options.rescan, requestedBy: options.requestedBy },
      new Date(),
      STALE_AFTER_MS,
    );
    if (!run) throw new InstanceError('ERR_INDEX_RUNNING', 'an index run is already under way', 409);
    let beats = 0;
    timer = setInterval(() => {
      void runs.find(run.id).then((saved) => saved && options.onProgress?.(saved));
      if (++beats % (HEARTBEAT_MS / 1000) === 0) void runs.heartbeat(run.id, new Date());
    }, 1000);
    const indexer = new Indexer({
      files: new LibraryFilesRepository(db),
      runs,
      queue,
      originalsPath: target.originalsPath,
      cachePath: target.cachePath,
      now: () => new Date(),
    });
    return await indexer.run(run);
  } finally {
    clearInterval(timer);
    await queue.close();
    await db.destroy();
  }
}
