import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { launchBrowser } from '@atrium/testing';
import { TestCluster, freeLayout } from 'atrium/testing';

// The whole product as a newcomer meets it: `atrium start`, the first admin from the printed link,
// accounts and grants with the CLI, sign-in at the portal, a library's timeline, revocation.
const ATRIUM = fileURLToPath(new URL('../apps/cli/bin/atrium.js', import.meta.url));
const PASSWORD = 'a long enough passphrase 42';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const screenshot = (name: string) => join(SCREENSHOTS, `${name}.png`);

let cluster: TestCluster;
let browser: Browser;

function atrium(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ATRIUM, ...args, '--data', cluster.dataDir], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  cluster = new TestCluster(await freeLayout());
  cluster.start();
  await cluster.waitFor('Press Ctrl-C to stop.');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('a newcomer’s first hour with Atrium', () => {
  let ann: BrowserContext;

  it('creates the first cluster admin from the link atrium start printed', async () => {
    const link = /(http:\/\/127\.0\.0\.1:\d+\/setup\/\S+)/.exec(cluster.output)?.[1];
    expect(link).toBeDefined();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link!);
    await page.fill('#username', 'root');
    await page.fill('#password', PASSWORD);
    await page.fill('#repeat', PASSWORD);
    await page.click('button[type=submit]:not([disabled])');
    await page.waitForURL(`${cluster.urls.portal}/signin/enrol`);
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    await page.fill('#code', await generateTotpCode(secret, new Date()));
    await page.click('button[type=submit]');
    expect((await page.locator('[data-testid=recovery-codes]').textContent())!.trim().split('\n')).toHaveLength(10);
    // The link works once.
    const reused = await context.newPage();
    await reused.goto(link!);
    await reused.getByText(/setup link is invalid, used or expired/).waitFor();
    expect(await reused.locator('#username').count()).toBe(0);
    await context.close();

    const shown = atrium(['users', 'show', 'root', '--json']);
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ username: 'root', clusterAdmin: true });
  });

  it('lets a user with no grant sign in but open nothing', async () => {
    expect(atrium(['users', 'add', 'ann', '--name', 'Ann', '--password-stdin'], `${PASSWORD}\n`).status).toBe(0);
    ann = await browser.newContext();
    const page = await ann.newPage();
    await page.goto(`${cluster.urls.portal}/signin`);
    await signIn(page, 'ann');
    await page.waitForURL(`${cluster.urls.portal}/no-access`);
    expect(await page.textContent('main')).toMatch(/ask an admin/i);
  });

  it('opens the granted library through the portal, with the granted role', async () => {
    expect(atrium(['cluster', 'users', 'access', 'grant', '--user', 'ann', '--node', 'family', '--role', 'user']).status).toBe(0);
    const explained = atrium(['cluster', 'access', 'explain', '--user', 'ann', '--node', 'family']);
    expect(explained.stdout).toMatch(/grant/i);
    const page = await ann.newPage();
    await page.goto(cluster.urls.family);
    await page.click('#sign-in');
    await page.waitForURL(`${cluster.urls.family}/**`);
    await expect(page.locator('#role').textContent()).resolves.toBe('user');
    // Another library stays closed: no grant, no group.
    const studio = await ann.newPage();
    await studio.goto(`${cluster.urls.studio}/auth/login`);
    await studio.waitForURL(/signin=denied|no-access/);
  });

  it("refuses one library's session cookie presented to another under that library's cookie name", async () => {
    // Cookies ignore ports: on one machine every library's cookie reaches every other one.
    const cookies = await ann.cookies(cluster.urls.family);
    const session = cookies.find((c) => c.name === 'atrium_family');
    expect(session).toBeDefined();
    const own = await ann.request.get(`${cluster.urls.family}/api/session`);
    expect(own.status()).toBe(200);
    const { request } = await import('playwright-core');
    const stranger = await request.newContext();
    try {
      const replayed = await stranger.get(`${cluster.urls.studio}/api/session`, {
        headers: { cookie: `atrium_studio=${session!.value}` },
      });
      expect(replayed.status()).toBe(401);
      const asIs = await stranger.get(`${cluster.urls.studio}/api/session`, {
        headers: { cookie: `atrium_family=${session!.value}` },
      });
      expect(asIs.status()).toBe(401);
    } finally {
      await stranger.dispose();
    }
    await ann.pages().at(-1)!.screenshot({ path: screenshot('journey-7-cookie-refused'), fullPage: false });
  });

  it('shows photos dropped into the originals once indexed, with thumbnails from the worker', async () => {
    const originals = join(cluster.dataDir, 'instances', 'family', 'originals', 'holiday');
    mkdirSync(originals, { recursive: true });
    for (const [name, color] of [['beach.jpg', '#2a7fd4'], ['dunes.jpg', '#d4a72a']] as const) {
      await sharp({ create: { width: 1600, height: 1200, channels: 3, background: color } }).jpeg().toFile(join(originals, name));
    }
    const indexed = atrium(['instance', 'index', '--instance', 'family']);
    expect(indexed.status, indexed.stderr).toBe(0);

    const page = await ann.newPage();
    await page.goto(cluster.urls.family);
    await page.waitForSelector('img[alt="beach.jpg"]');
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll("img")).filter((i) => i.complete && i.naturalWidth > 0).length >= 2,
      undefined,
      { timeout: 60_000 },
    );
    const thumb = await page.request.get(await page.locator('img[alt="beach.jpg"]').getAttribute('src').then((s) => new URL(s!, cluster.urls.family).href));
    expect(thumb.status()).toBe(200);
    expect(thumb.headers()['content-type']).toMatch(/image\/(webp|jpeg)/);
  });

  it('signs the user out of the library at once when the grant is revoked', async () => {
    expect(atrium(['cluster', 'users', 'access', 'revoke', '--user', 'ann', '--node', 'family']).status).toBe(0);
    const page = await ann.newPage();
    // The back-channel logout goes out from the portal's outbox; the next request finds no session.
    await expect
      .poll(async () => (await page.request.get(`${cluster.urls.family}/api/session`)).status(), { timeout: 30_000 })
      .toBe(401);
    await ann.close();
  });
});
