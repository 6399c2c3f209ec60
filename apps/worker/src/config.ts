import { ConfigError, EnvReader } from '@atrium/server';
import { isAbsolute } from 'node:path';

/** One instance this worker serves: its own Redis, originals and cache (CONTRACTS.md §5). */
export interface WorkerInstance {
  name: string;
  redisUrl: string;
  originalsPath: string;
  cachePath: string;
}

export interface WorkerConfig {
  port: number;
  host: string;
  instances: WorkerInstance[];
  sharedDerivativesPath?: string;
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
  };
}
