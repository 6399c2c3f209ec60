import { METRICS_REGISTRY } from '@atrium/server';
import { describeFfmpeg, locateFfmpeg } from '@atrium/media';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { WorkerConfig } from '../config.js';
import { WORKER_CONFIG } from '../common/tokens.js';
import { InstanceRunner } from './instance-runner.js';
import { WorkerMetrics, recordFfmpegVersions } from './worker-metrics.js';

/** Runs an {@link InstanceRunner} per configured instance for the life of the Nest app. */
@Injectable()
export class MediaWorkersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('worker');
  private runners: InstanceRunner[] = [];

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const binaries = locateFfmpeg(this.config.searchPath);
    const versions = await describeFfmpeg(binaries);
    for (const b of [versions.ffmpeg, versions.ffprobe]) {
      this.logger.log(`${b.name} ${b.version} (${b.source}: ${b.path})`);
      // The bundled builds are old (ffmpeg 4.1 from 2018): decoders miss newer formats and fixes.
      if (b.source === 'bundled')
        this.logger.warn(`${b.name}: none on PATH, using the old build shipped in npm (${b.version}); install the system's (apt-get install ffmpeg)`);
    }
    recordFfmpegVersions(this.registry, [versions.ffmpeg, versions.ffprobe]);
    const metrics = new WorkerMetrics(this.registry, async () => (await Promise.all(this.runners.map((r) => r.depths()))).flat());
    this.runners = this.config.instances.map((instance) => new InstanceRunner(instance, this.config, binaries, metrics));
    for (const runner of this.runners) runner.start();
  }

  /** SIGTERM: finish what runs within the grace period, hand back the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop(this.config.shutdownGraceMs)));
  }
}
