import type { BinaryVersion } from '@atrium/media';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Job counts of one queue of one instance, by state. */
export interface QueueDepth {
  readonly instance: string;
  readonly queue: string;
  readonly counts: Readonly<Record<string, number>>;
}

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'];

/**
 * The worker's Prometheus metrics, beside the process defaults (memory, CPU, event loop):
 * queue depth per instance, queue and state (read from Redis at scrape time), job durations,
 * and finished jobs by outcome and failure reason.
 */
export class WorkerMetrics {
  private readonly duration: Histogram<'instance' | 'queue' | 'outcome'>;
  private readonly finished: Counter<'instance' | 'queue' | 'outcome' | 'reason'>;

  constructor(registry: Registry, depths: () => Promise<QueueDepth[]>) {
    this.duration = new Histogram({
      name: 'atrium_worker_job_duration_seconds',
      help: 'Time spent on one media job, by instance, queue and outcome',
      labelNames: ['instance', 'queue', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    });
    this.finished = new Counter({
      name: 'atrium_worker_jobs_total',
      help: 'Media jobs finished, by instance, queue, outcome and failure reason',
      labelNames: ['instance', 'queue', 'outcome', 'reason'],
      registers: [registry],
    });
    new Gauge({
      name: 'atrium_worker_queue_jobs',
      help: 'Jobs in each media queue, by instance, queue and state',
      labelNames: ['instance', 'queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { instance, queue, counts } of await depths().catch(() => [])) {
          for (const state of DEPTH_STATES) this.set({ instance, queue, state }, counts[state] ?? 0);
        }
      },
    });
  }

  /** Records one finished job. */
  observe(instance: string, queue: string, outcome: 'completed' | 'failed', reason: string | null, ms: number): void {
    this.duration.observe({ instance, queue, outcome }, ms / 1000);
    this.finished.inc({ instance, queue, outcome, reason: reason ?? '' });
  }
}

/** `atrium_worker_ffmpeg_info{binary,version,source} 1`: which ffmpeg and ffprobe this worker runs. */
export function recordFfmpegVersions(registry: Registry, binaries: BinaryVersion[]): void {
  const info = new Gauge({
    name: 'atrium_worker_ffmpeg_info',
    help: 'The ffmpeg and ffprobe in use: version, and whether from the system or the npm fallback',
    labelNames: ['binary', 'version', 'source'],
    registers: [registry],
  });
  for (const b of binaries) info.set({ binary: b.name, version: b.version, source: b.source }, 1);
}
