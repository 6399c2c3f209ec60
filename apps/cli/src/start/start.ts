import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, UsageError } from '../cli.js';
import { Children, reapLeftovers } from './children.js';
import { startPostgres } from './postgres.js';
import { ensureRedisInstalled, startRedis } from './redis.js';
import { preparePortal, waitJoined } from './registration.js';
import { INSTANCE_NAME, databaseUrl, planSettings, readSettings, writeSettings, type ClusterSettings } from './settings.js';

const ATRIUM_BIN = fileURLToPath(new URL('../../bin/atrium.js', import.meta.url));

export interface StartOptions {
  dataDir: string;
  instances: string[];
  port: number;
  host: string;
}

export function parseInstances(value: string | undefined): string[] {
  const names = (value ?? 'family,studio').split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new UsageError('--instances needs at least one name');
  for (const n of names) if (!INSTANCE_NAME.test(n)) throw new UsageError(`bad instance name ${JSON.stringify(n)}: lowercase letters, digits and dashes, starting with a letter`);
  if (new Set(names).size !== names.length) throw new UsageError('--instances names an instance twice');
  return names;
}

const origin = (host: string, port: number) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

/** The environment of each service, as Helm would set it in Kubernetes. */
function serviceEnvs(settings: ClusterSettings, opts: StartOptions, dataDir: string) {
  const portalUrl = origin(opts.host, settings.portal.port);
  const common = { HOST: opts.host, ATRIUM_SECRET_KEY: settings.secretKey, ATRIUM_DATA: dataDir };
  const running = settings.instances.filter((i) => opts.instances.includes(i.name));
  const paths = (name: string) => ({ originalsPath: join(dataDir, 'instances', name, 'originals'), cachePath: join(dataDir, 'instances', name, 'cache') });
  return {
    portal: {
      ...common,
      PORT: String(settings.portal.port),
      PUBLIC_URL: portalUrl,
      DATABASE_URL: databaseUrl(settings, settings.portal.database),
    },
    instances: running.map((i) => ({
      name: i.name,
      url: origin(opts.host, i.port),
      database: i.database,
      env: {
        ...common,
        NODE_NAME: i.name,
        PORT: String(i.port),
        PUBLIC_URL: origin(opts.host, i.port),
        PORTAL_URL: portalUrl,
        DATABASE_URL: databaseUrl(settings, i.database),
        REDIS_URL: `redis://127.0.0.1:${i.redisPort}`,
        ORIGINALS_PATH: paths(i.name).originalsPath,
        CACHE_PATH: paths(i.name).cachePath,
      },
    })),
    worker: {
      ...common,
      WORKER_PORT: String(settings.worker.port),
      // glibc's per-thread malloc arenas make libvips' threads grow RSS; two keep it flat (bench/media).
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      WORKER_INSTANCES: JSON.stringify(running.map((i) => ({ name: i.name, redisUrl: `redis://127.0.0.1:${i.redisPort}`, ...paths(i.name) }))),
    },
    portalUrl,
  };
}

async function waitReady(name: string, url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CommandError(`${name} did not become ready at ${url}/readyz within ${timeoutMs / 1000}s`);
}

/**
 * `atrium start`: one Postgres, one Redis per instance, the portal, the instances and one worker,
 * all on this machine, data under the data folder; Ctrl-C stops everything.
 */
export async function start(opts: StartOptions): Promise<number> {
  const dataDir = opts.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const reaped = await reapLeftovers(dataDir);
  if (reaped.length) console.log(`atrium: stopped what a killed earlier run left behind: ${reaped.join(', ')}`);
  const settings = planSettings(readSettings(dataDir), opts.instances, opts.port);
  writeSettings(dataDir, settings);
  await ensureRedisInstalled();

  let failed: string | undefined;
  let wake: () => void = () => undefined;
  const children = new Children(dataDir, (name, code) => {
    failed = `${name} exited unexpectedly (code ${code}); its log is in ${join(dataDir, 'logs', `${name}.log`)}`;
    wake();
  });
  const stopped = new Promise<string>((resolve) => {
    wake = () => resolve('failure');
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  try {
    await startPostgres(dataDir, settings, children);
    const envs = serviceEnvs(settings, opts, dataDir);
    for (const i of settings.instances.filter((x) => opts.instances.includes(x.name))) await startRedis(dataDir, i.name, i.redisPort, children);
    const node = (name: string, args: string[], env: Record<string, string>) =>
      children.spawn(name, process.execPath, [ATRIUM_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], marker: ATRIUM_BIN });
    node('portal', ['portal', 'serve'], envs.portal);
    await Promise.race([waitReady('portal', envs.portalUrl), stopped.then(() => Promise.reject(new CommandError(failed ?? 'stopped')))]);
    const { setupLink, joinTokens } = await preparePortal(settings, envs.portalUrl, envs.instances);
    for (const i of envs.instances) {
      const joinToken = joinTokens.get(i.name);
      node(i.name, ['instance', 'serve'], joinToken ? { ...i.env, NODE_JOIN_TOKEN: joinToken } : i.env);
    }
    node('worker', ['worker'], envs.worker);
    await Promise.race([
      Promise.all([
        ...envs.instances.map((i) => waitReady(i.name, i.url)),
        waitReady('worker', origin('127.0.0.1', settings.worker.port)),
      ]).then(() => waitJoined(settings, envs.instances, joinTokens)),
      stopped.then(() => Promise.reject(new CommandError(failed ?? 'stopped'))),
    ]);
    printReady(settings, envs, dataDir, setupLink);
    const reason = await stopped;
    if (failed) throw new CommandError(failed);
    console.log(`atrium: ${reason}, stopping…`);
    return 0;
  } finally {
    await children.stopAll();
    console.log('atrium: stopped');
  }
}

function printReady(settings: ClusterSettings, envs: ReturnType<typeof serviceEnvs>, dataDir: string, setupLink: string | undefined): void {
  const lines = [
    '',
    'Atrium is running.',
    `  portal    ${envs.portalUrl}`,
    ...envs.instances.map((i) => `  ${i.name.padEnd(9)} ${i.url}   originals: ${i.env.ORIGINALS_PATH}`),
    `  worker    ${origin('127.0.0.1', settings.worker.port)}/metrics`,
    `  data      ${dataDir}`,
    ...(setupLink ? ['', 'Create the first cluster admin (link valid 24 h, once):', `  ${setupLink}`, ''] : []),
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
}
