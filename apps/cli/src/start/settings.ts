import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandError } from '../cli.js';

/**
 * What `atrium start` keeps in `<data>/cluster.json` (mode 0600) between runs, and where admin
 * commands find the databases: ports, the Postgres password, the cluster's secret key.
 */
export interface ClusterSettings {
  version: typeof SETTINGS_VERSION;
  secretKey: string;
  postgres: { port: number; user: string; password: string };
  portal: { port: number; database: string };
  worker: { port: number };
  /** Set once `--with-idp` made its group mappings (an admin's later changes to them stand). */
  demoMappings?: boolean;
  instances: {
    name: string;
    port: number;
    database: string;
    redisPort: number;
    /** Set once the demo set was written into this instance's originals (never written twice). */
    demo?: boolean;
    /** An originals folder chosen with `--originals`, kept for later runs and admin commands. */
    originals?: string;
  }[];
}

/** The version of `cluster.json` this build writes; a newer one comes from a newer Atrium. */
export const SETTINGS_VERSION = 1;

export const SETTINGS_FILE = 'cluster.json';


export function dataDirFrom(value: string | undefined): string {
  return resolve(value ?? process.env.ATRIUM_DATA ?? '.atrium');
}

export function readSettings(dataDir: string): ClusterSettings | undefined {
  const file = join(dataDir, SETTINGS_FILE);
  if (!existsSync(file)) return undefined;
  const settings = JSON.parse(readFileSync(file, 'utf8')) as ClusterSettings;
  if (typeof settings.version !== 'number' || settings.version > SETTINGS_VERSION)
    throw new CommandError(
      `${dataDir} was written by a newer Atrium (settings version ${String(settings.version)}, this one reads ${SETTINGS_VERSION}); upgrade Atrium, or use another --data folder`,
    );
  return settings;
}

export function writeSettings(dataDir: string, settings: ClusterSettings): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SETTINGS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export const INSTANCE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

// Ports laid out from the portal's (8080 by default): instances follow it, the worker's health port
// is 10 above, Postgres sits at 5433 and Redis at 6380 and up — so two clusters started with
// different --port values never collide.
const WORKER_OFFSET = 10;
const POSTGRES_OFFSET = 5433 - 8080;
const REDIS_OFFSET = 6380 - 8080;

/** Settings for this run: what was saved, plus instances named now, with ports laid out from `port`. */
export function planSettings(saved: ClusterSettings | undefined, names: string[], port: number): ClusterSettings {
  const base: ClusterSettings = saved ?? {
    version: SETTINGS_VERSION,
    secretKey: randomBytes(32).toString('base64'),
    postgres: { port: port + POSTGRES_OFFSET, user: 'atrium', password: randomBytes(18).toString('base64url') },
    portal: { port, database: 'portal' },
    worker: { port: port + WORKER_OFFSET },
    instances: [],
  };
  // HTTP ports follow --port on every run; databases and Redis ports stay as first chosen.
  const usedRedis = new Set(base.instances.map((x) => x.redisPort));
  let nextRedis = port + REDIS_OFFSET;
  const instances = names.map((name, i) => {
    const known = base.instances.find((x) => x.name === name);
    if (known) return { ...known, port: port + 1 + i };
    while (usedRedis.has(nextRedis)) nextRedis++;
    usedRedis.add(nextRedis);
    return { name, port: port + 1 + i, database: `instance_${name.replace(/-/g, '_')}`, redisPort: nextRedis };
  });
  // Instances not started this time stay on record, so admin commands still find their databases.
  const kept = base.instances.filter((x) => !names.includes(x.name));
  return { ...base, portal: { ...base.portal, port }, worker: { port: port + WORKER_OFFSET }, instances: [...instances, ...kept] };
}

export function databaseUrl(settings: ClusterSettings, database: string): string {
  const { user, password, port } = settings.postgres;
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Where an instance's originals live: the folder chosen with `--originals`, else under the data folder. */
export function originalsPathOf(dataDir: string, instance: { name: string; originals?: string }): string {
  return instance.originals ?? join(dataDir, 'instances', instance.name, 'originals');
}
