import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, type Output, UsageError } from '../cli.js';
import { Children, reapLeftovers } from './children.js';
import { isEmptyFolder, writeDemoLibrary } from './demo.js';
import { describeDemoIdentity, startDemoIdentity } from './idp.js';
import { startPostgres } from './postgres.js';
import { ensureRedisInstalled, startRedis } from './redis.js';
import { mapDemoGroups, preparePortal, waitJoined } from './registration.js';
import { INSTANCE_NAME, databaseUrl, originalsPathOf, planSettings, readSettings, writeSettings, type ClusterSettings } from './settings.js';

const ATRIUM_BIN = fileURLToPath(new URL('../../bin/atrium.js', import.meta.url));

export interface StartOptions {
  dataDir: string;
  instances: string[];
  port: number;
  host: string;
  /** No demo photos in libraries started for the first time. */
  empty?: boolean;
  /** Originals folders chosen by the user, per instance name: such libraries get no demo set. */
  originals?: ReadonlyMap<string, string>;
  /** Every line the services log on the terminal, not only their warnings and errors. */
  verbose?: boolean;
  /** A demo organization IdP (OIDC) and LDAP directory wired to the portal. */
  withIdp?: boolean;
  /** Where status lines and the summary go (`--json`: status on stderr, the summary as one JSON object). */
  out?: Output;
}

/** Status lines of this run (stdout, or stderr under `--json`); set by {@link start}. */
let say: (text: string) => void = (text) => console.log(text);

/** `--originals family=/srv/photos,studio=/mnt/studio` as a map of absolute folders. */
export function parseOriginals(value: string | undefined, instances: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    const path = entry.slice(at + 1);
    if (at <= 0 || !path) throw new UsageError(`--originals takes NAME=FOLDER pairs separated by commas, not ${JSON.stringify(entry)}`);
    if (!instances.includes(name)) throw new UsageError(`--originals names ${JSON.stringify(name)}, which is not among --instances (${instances.join(', ')})`);
    if (map.has(name)) throw new UsageError(`--originals names ${name} twice`);
    map.set(name, resolve(path));
  }
  return map;
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
  const paths = (name: string) => ({
    originalsPath: originalsPathOf(dataDir, running.find((i) => i.name === name)!),
    cachePath: join(dataDir, 'instances', name, 'cache'),
  });
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
  const out = opts.out;
  say = out ? (text) => out.info(text) : (text) => console.log(text);
  const reaped = await reapLeftovers(dataDir);
  if (reaped.length) say(`atrium: stopped what a killed earlier run left behind: ${reaped.join(', ')}`);
  const settings = planSettings(readSettings(dataDir), opts.instances, opts.port);
  for (const [name, path] of opts.originals ?? []) {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new CommandError(`--originals ${name}=${path}: no such folder`);
    settings.instances.find((i) => i.name === name)!.originals = path;
  }
  writeSettings(dataDir, settings);
  await ensureRedisInstalled();

  let failed: string | undefined;
  let wake: () => void = () => undefined;
  const children = new Children(dataDir, (name, code) => {
    const last = children.lastLines(name).map((line) => `    ${line}`).join('\n');
    failed = `${name} exited unexpectedly (code ${code}); its log is in ${join(dataDir, 'logs', `${name}.log`)}${last ? `, ending:\n${last}` : ''}`;
    wake();
  }, opts.verbose, out?.json ? process.stderr : process.stdout);
  const stopped = new Promise<string>((resolve) => {
    wake = () => resolve('failure');
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let stopIdentity: (() => Promise<void>) | undefined;
  const orStop = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([work, stopped.then(() => Promise.reject(new CommandError(failed ?? 'stopped')))]);

  try {
    const envs = serviceEnvs(settings, opts, dataDir);
    // The demo photos are drawn while the services start; they are indexed once all are ready.
    const seeded = await planDemos(settings, opts, dataDir);
    const demos = orStop(writeDemos(settings, seeded, dataDir));
    demos.catch(() => undefined);
    await step('Postgres', `127.0.0.1:${settings.postgres.port}`, startPostgres(dataDir, settings, children, say));
    for (const i of settings.instances.filter((x) => opts.instances.includes(x.name)))
      await step(`Redis for ${i.name}`, `127.0.0.1:${i.redisPort}`, startRedis(dataDir, i.name, i.redisPort, children));
    const node = (name: string, args: string[], env: Record<string, string>) =>
      children.spawn(name, process.execPath, [ATRIUM_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], marker: ATRIUM_BIN });
    const identity = opts.withIdp
      ? await step('demo IdP and LDAP directory', 'OIDC and LDAP for the portal', startDemoIdentity(settings, envs.portalUrl, opts.instances))
      : undefined;
    stopIdentity = identity?.stop;
    node('portal', ['portal', 'serve'], { ...envs.portal, ...identity?.portalEnv });
    await step('portal', envs.portalUrl, orStop(waitReady('portal', envs.portalUrl)));
    const demoLibraries = settings.instances
      .filter((i) => opts.instances.includes(i.name) && (i.demo || seeded.includes(i.name)))
      .map((i) => i.name);
    const { setupLink, joinTokens } = await preparePortal(settings, envs.portalUrl, envs.instances, demoLibraries);
    if (identity && !settings.demoMappings) {
      await mapDemoGroups(settings, envs.portalUrl, identity.mappings);
      settings.demoMappings = true;
      writeSettings(dataDir, settings);
    }
    for (const i of envs.instances) {
      const joinToken = joinTokens.get(i.name);
      node(i.name, ['instance', 'serve'], joinToken ? { ...i.env, NODE_JOIN_TOKEN: joinToken } : i.env);
    }
    node('worker', ['worker'], envs.worker);
    const workerUrl = origin('127.0.0.1', settings.worker.port);
    await orStop(
      Promise.all([
        ...envs.instances.map((i) => step(`library ${i.name}`, i.url, waitReady(i.name, i.url))),
        step('media worker', workerUrl, waitReady('worker', workerUrl)),
      ]).then(() => waitJoined(settings, envs.instances, joinTokens)),
    );
    await demos;
    for (const i of envs.instances.filter((x) => seeded.includes(x.name)))
      await step(`demo library ${i.name}`, 'indexed, thumbnails made', orStop(indexDemo(i, settings)));
    printReady(out, settings, envs, dataDir, setupLink, identity ? describeDemoIdentity(identity) : []);
    const reason = await stopped;
    if (failed) throw new CommandError(failed);
    say(`atrium: ${reason}, stopping…`);
    return 0;
  } finally {
    await children.stopAll();
    await stopIdentity?.();
    say('atrium: stopped');
  }
}

/** One line when a part of the cluster starts and one when it is ready (or why it is not). */
async function step<T>(what: string, where: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  say(`  … ${what}`);
  try {
    const result = await work;
    say(`  ✓ ${what.padEnd(22)} ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    say(`  ✗ ${what}`);
    throw error;
  }
}

/**
 * The libraries that get the demo set on this run: started for the first time with an empty
 * originals folder of their own (not `--empty`, not `--originals`). Once written, never again: a
 * library whose demo photos were deleted stays empty.
 */
async function planDemos(settings: ClusterSettings, opts: StartOptions, dataDir: string): Promise<string[]> {
  if (opts.empty) return [];
  const planned: string[] = [];
  for (const saved of settings.instances.filter((i) => opts.instances.includes(i.name))) {
    if (saved.demo || saved.originals) continue;
    if (await isEmptyFolder(originalsPathOf(dataDir, saved))) planned.push(saved.name);
  }
  return planned;
}

async function writeDemos(settings: ClusterSettings, names: readonly string[], dataDir: string): Promise<void> {
  for (const name of names) {
    const saved = settings.instances.find((i) => i.name === name)!;
    const folder = originalsPathOf(dataDir, saved);
    await step(`demo photos for ${name}`, folder, writeDemoLibrary(folder, name));
    saved.demo = true;
    writeSettings(dataDir, settings);
  }
}

const DEMO_THUMBNAILS_TIMEOUT_MS = 180_000;

/** Indexes a demo library and waits until the worker has made a thumbnail of every file. */
async function indexDemo(instance: { name: string; database: string; env: Record<string, string> }, settings: ClusterSettings): Promise<void> {
  const { runIndex, readLibraryStats } = await import('@atrium/instance');
  const url = databaseUrl(settings, instance.database);
  await runIndex(
    {
      nodeName: instance.name,
      databaseUrl: url,
      redisUrl: instance.env.REDIS_URL!,
      originalsPath: instance.env.ORIGINALS_PATH!,
      cachePath: instance.env.CACHE_PATH!,
    },
    { rescan: false, requestedBy: 'atrium start' },
  );
  const deadline = Date.now() + DEMO_THUMBNAILS_TIMEOUT_MS;
  for (;;) {
    const stats = await readLibraryStats(url);
    if (stats.withThumbnail + stats.failed >= stats.assets) return;
    if (Date.now() > deadline) {
      say(`  ! ${instance.name}: ${stats.withThumbnail} of ${stats.assets} thumbnails so far; the worker carries on in the background`);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function printReady(
  out: Output | undefined,
  settings: ClusterSettings,
  envs: ReturnType<typeof serviceEnvs>,
  dataDir: string,
  setupLink: string | undefined,
  identityLines: string[],
): void {
  const worker = `${origin('127.0.0.1', settings.worker.port)}/metrics`;
  const lines = [
    '',
    'Atrium is running.',
    `  portal    ${envs.portalUrl}`,
    ...envs.instances.map((i) => `  ${i.name.padEnd(9)} ${i.url}   originals: ${i.env.ORIGINALS_PATH}`),
    `  worker    ${worker}`,
    `  data      ${dataDir}`,
    ...(setupLink ? ['', 'Create the first cluster admin (link valid 24 h, once):', `  ${setupLink}`] : []),
    ...identityLines,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  const summary = {
    portal: envs.portalUrl,
    instances: envs.instances.map((i) => ({ name: i.name, url: i.url, originals: i.env.ORIGINALS_PATH })),
    worker,
    data: dataDir,
    setupLink: setupLink ?? null,
  };
  if (out) out.done(lines.join('\n'), summary);
  else say(lines.join('\n'));
}
