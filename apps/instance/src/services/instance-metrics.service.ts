import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@atrium/server';
import { IndexRunRepository } from '../repositories/index-run.repository.js';
import { LibraryStatsRepository, type LibraryStats } from '../repositories/library-stats.repository.js';
import type { MediaQueues } from './media-queue.js';
import { MEDIA_QUEUE } from '../common/tokens.js';

// Counting a large library on every scrape would be a full scan every 15 s; once a minute is plenty.
const STATS_MAX_AGE_MS = 60_000;

/**
 * The instance's own Prometheus metrics beside the process defaults: assets by state, media jobs
 * by queue and state (read from Redis at scrape time), and whether an index run is under way.
 */
@Injectable()
export class InstanceMetrics implements OnModuleInit {
  private cached?: { at: number; stats: Promise<LibraryStats> };

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly library: LibraryStatsRepository,
    private readonly runs: IndexRunRepository,
  ) {}

  onModuleInit(): void {
    const stats = () => this.stats();
    const queue = this.queue;
    const runs = this.runs;
    new Gauge({
      name: 'atrium_instance_assets',
      help: 'Assets of the library by state (live, with_thumbnail, with_metadata, failed, missing, trashed)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const s = await stats();
        const states = {
          live: s.assets,
          with_thumbnail: s.withThumbnail,
          with_metadata: s.withMetadata,
          failed: s.failed,
          missing: s.missing,
          trashed: s.trashed,
        };
        for (const [state, value] of Object.entries(states)) this.set({ state }, value);
      },
    });
    new Gauge({
      name: 'atrium_instance_media_jobs',
      help: 'Media jobs of this instance by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const depths = await queue.depths().catch(() => null);
        for (const [name, counts] of Object.entries(depths ?? {}))
          for (const [state, value] of Object.entries(counts)) this.set({ queue: name, state }, value);
      },
    });
    new Gauge({
      name: 'atrium_instance_index_running',
      help: '1 while an index run is under way',
      registers: [this.registry],
      async collect() {
        const [latest] = await runs.latest(1);
        this.set(latest?.status === 'running' ? 1 : 0);
      },
    });
  }

  private stats(): Promise<LibraryStats> {
    if (!this.cached || Date.now() - this.cached.at > STATS_MAX_AGE_MS) {
      this.cached = { at: Date.now(), stats: this.library.stats() };
      this.cached.stats.catch(() => (this.cached = undefined));
    }
    return this.cached.stats;
  }
}
