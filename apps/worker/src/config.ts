import { ConfigError, EnvReader, readObservabilityConfig, type ObservabilityConfig } from '@atrium/server';
import { resolveLimits, type MediaLimits, type MediaQueueName } from '@atrium/media';
import { isAbsolute } from 'node:path';

/** One instance this worker serves: its own Redis, originals and cache (docs/contracts.md §5). */
export interface WorkerInstance {
  name: string;
  redisUrl: string;
  originalsPath: string;
  cachePath: string;
}

/** How BullMQ holds and recovers jobs: a job whose lock lapses (worker killed) is taken again. */
export interface JobLocking {
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export interface WorkerConfig {
  port: number;
  host: string;
  instances: WorkerInstance[];
  sharedDerivativesPath?: string;
  /** Jobs run at once per queue, per instance. */
  concurrency: Record<MediaQueueName, number>;
  limits: MediaLimits;
  locking: JobLocking;
  /** How long SIGTERM waits for running jobs before handing the rest back to the queue. */
  shutdownGraceMs: number;
  /** PATH, where ffmpeg and ffprobe are looked for before the bundled ones. */
  searchPath?: string;
  /** LOG_FORMAT, LOG_LEVEL, METRICS_PORT, METRICS_TOKEN. */
  observability: ObservabilityConfig;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function parseInstances(value: unknown): WorkerInstance[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty JSON list of { name, redisUrl, originalsPath, cachePath }');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const at = `entry ${i}`;
    if (typeof item !== 'object' || item === null) throw new Error(`${at} is not an object`);
    const { name, redisUrl, originalsPath, cachePath } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`${at}: name must be lowercase letters, digits and dashes`);
    if (seen.has(name)) throw new Error(`${at}: instance ${name} is listed twice`);
    seen.add(name);
    if (typeof redisUrl !== 'string' || !/^rediss?:\/\//.test(redisUrl)) throw new Error(`${at}: redisUrl must be a redis:// URL`);
    for (const [key, path] of Object.entries({ originalsPath, cachePath })) {
      if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) throw new Error(`${at}: ${key} must be an absolute path`);
    }
    return { name, redisUrl, originalsPath: originalsPath as string, cachePath: cachePath as string };
  });
}

/** Immich's defaults: metadata 5, thumbnails 3, video 1 at a time. */
function readConcurrency(reader: EnvReader): Record<MediaQueueName, number> {
  return {
    metadata: reader.int('WORKER_CONCURRENCY_METADATA', 5, { min: 1, max: 64 }),
    thumbnails: reader.int('WORKER_CONCURRENCY_THUMBNAILS', 3, { min: 1, max: 64 }),
    video: reader.int('WORKER_CONCURRENCY_VIDEO', 1, { min: 1, max: 16 }),
  };
}

function readLimits(reader: EnvReader): MediaLimits {
  return resolveLimits({
    maxInputPixels: reader.int('WORKER_MAX_INPUT_PIXELS', 16383 * 16383, { min: 1 }),
    imageTimeoutSeconds: reader.duration('WORKER_IMAGE_TIMEOUT', '120s') / 1000,
    probeTimeoutMs: reader.duration('WORKER_PROBE_TIMEOUT', '30s'),
    posterTimeoutMs: reader.duration('WORKER_POSTER_TIMEOUT', '120s'),
    transcodeTimeoutMs: reader.duration('WORKER_TRANSCODE_TIMEOUT', '4h'),
  });
}

/** Reads the worker's settings once, at start; a bad value names its variable. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const reader = new EnvReader(env);
  const shared = reader.optionalString('ATRIUM_SHARED_DERIVATIVES_PATH');
  if (shared !== undefined && !isAbsolute(shared)) throw new ConfigError('ATRIUM_SHARED_DERIVATIVES_PATH', 'must be an absolute path');
  return {
    port: reader.port('WORKER_PORT', 8090),
    host: reader.string('HOST', '0.0.0.0'),
    instances: reader.json('WORKER_INSTANCES', parseInstances),
    sharedDerivativesPath: shared,
    concurrency: readConcurrency(reader),
    limits: readLimits(reader),
    locking: { lockDurationMs: reader.duration('WORKER_LOCK_DURATION', '30s'), stalledIntervalMs: reader.duration('WORKER_STALLED_INTERVAL', '30s') },
    shutdownGraceMs: reader.duration('WORKER_SHUTDOWN_GRACE', '25s'),
    searchPath: reader.optionalString('PATH'),
    observability: readObservabilityConfig(reader),
  };
}
