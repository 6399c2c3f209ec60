import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePhoto } from '@atrium/media/testing';
import { launchBrowser } from '@atrium/testing';
import { TestCluster, freeLayout } from '../test/cluster.js';

// A whole `atrium start` run with JSON logs: a person signs in through the portal, opens a library
// and indexes it; then every line the services wrote is JSON, carries request ids, and holds none
// of the secrets the run used (passwords, cookies, codes, keys).
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/atrium.js');
const PASSWORD = 'a-long-and-secret-passphrase-7731';

let cluster: TestCluster;
let browser: Browser;
const secrets = new Map<string, string>();
const indexRequestIds: string[] = [];
const saved = process.env.LOG_FORMAT;

beforeAll(async () => {
  process.env.LOG_FORMAT = 'json';
  cluster = new TestCluster(await freeLayout());
  cluster.start();
  await cluster.waitFor('Atrium is running.');
  process.env.LOG_FORMAT = saved;
  const setup = /\/setup\/([A-Za-z0-9_-]+)/.exec(cluster.output);
  if (setup) secrets.set('setup token', setup[1]!);
  const settings = JSON.parse(readFileSync(join(cluster.dataDir, 'cluster.json'), 'utf8')) as { secretKey: string; postgres: { password: string } };
  secrets.set('ATRIUM_SECRET_KEY', settings.secretKey);
  secrets.set('Postgres password', settings.postgres.password);
  secrets.set('password', PASSWORD);
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [BIN, ...args, '--data', cluster.dataDir], { cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, DATABASE_URL: '' } });
  const added = cli(['users', 'add', '--password-stdin', 'ada'], `${PASSWORD}\n`);
  expect(added.status, added.stderr).toBe(0);
  expect(cli(['cluster', 'users', 'access', 'grant', '--user', 'ada', '--node', 'family', '--role', 'admin']).status).toBe(0);
  const originals = join(cluster.dataDir, 'instances', 'family', 'originals', '2024');
  mkdirSync(originals, { recursive: true });
  writeFileSync(join(originals, 'one.jpg'), await makePhoto({ width: 320, height: 240 }));
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  process.env.LOG_FORMAT = saved;
  await browser?.close();
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('the logs of a whole run', () => {
  it('are JSON lines with request ids, carried to the worker, without a secret in any line', { timeout: 240_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = new URL(request.url());
      for (const name of ['code', 'state', 'nonce', 'code_challenge']) {
        const value = url.searchParams.get(name);
        if (value && value.length >= 8) secrets.set(`${name} in ${url.pathname}`, value);
      }
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/index' && response.request().method() === 'POST') indexRequestIds.push(response.headers()['x-request-id']!);
    });
    await page.goto(cluster.urls.family);
    await page.click('#sign-in');
    await page.waitForURL(/\/signin/);
    await page.fill('#username', 'ada');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${cluster.urls.family}/`);
    await page.waitForSelector('#role');
    await page.click('#index-now');
    await page.waitForFunction(() => document.querySelector('#index-state')?.textContent === 'completed', undefined, { timeout: 60_000 });
    for (const cookie of await context.cookies()) if (cookie.value.length >= 8) secrets.set(`cookie ${cookie.name}`, cookie.value);
    expect(indexRequestIds).toHaveLength(1);
    // The worker's lines about the indexed photo's jobs carry the id of the request that queued them.
    const workerLog = join(cluster.dataDir, 'logs', 'worker.log');
    const deadline = Date.now() + 60_000;
    while (!readFileSync(workerLog, 'utf8').includes(indexRequestIds[0]!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await context.close();
    await cluster.stop('SIGTERM');

    const logs = join(cluster.dataDir, 'logs');
    const services = readdirSync(logs).filter((f) => /^(portal|family|studio|worker)\.log$/.test(f));
    expect(services.sort()).toEqual(['family.log', 'portal.log', 'studio.log', 'worker.log']);
    const everything = readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('\n') + cluster.output.replace(/\/setup\/\S+/g, '');
    expect([...secrets.keys()]).toEqual(expect.arrayContaining(['password', 'ATRIUM_SECRET_KEY', 'code in /auth/callback', 'state in /auth/callback', 'cookie atrium_family']));
    for (const [what, value] of secrets) expect(everything.includes(value), `${what} is in the logs`).toBe(false);

    const lines = services.flatMap((f) =>
      readFileSync(join(logs, f), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => ({ file: f, line: JSON.parse(l) as Record<string, unknown> })),
    );
    expect(lines.length).toBeGreaterThan(20);
    for (const { file, line } of lines) {
      expect(line, file).toMatchObject({ level: expect.any(String), time: expect.any(String), service: expect.stringMatching(/^(portal|instance|worker)$/) });
    }
    const requests = lines.filter(({ line }) => typeof line.req === 'object');
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.every(({ line }) => typeof line.reqId === 'string')).toBe(true);
    const callback = requests.find(({ line }) => (line.req as { url: string }).url.startsWith('/auth/callback'));
    expect((callback?.line.req as { url: string }).url).toMatch(/^\/auth\/callback\?(\w+=\*&?)+$/);
    const carried = lines.filter(({ file, line }) => file === 'worker.log' && line.reqId === indexRequestIds[0]);
    expect(carried.length, 'worker lines with the request id').toBeGreaterThan(0);
  });
});
