import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@atrium/testing';
import { TestCluster, freeLayout } from 'atrium/testing';

// Living in a library on a first `atrium start` (with its demo photos): a viewer does not see what
// is private, a contributor's upload appears with its thumbnail, a visitor opens a share link with
// a password and is told when a link has expired.
const ATRIUM = fileURLToPath(new URL('../apps/cli/bin/atrium.js', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase 42';

let cluster: TestCluster;
let browser: Browser;
const contexts: BrowserContext[] = [];

function atrium(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ATRIUM, ...args, '--data', cluster.dataDir], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function person(username: string, role: string, extra: string[] = []): void {
  expect(atrium(['users', 'add', username, '--password-stdin'], `${PASSWORD}\n`).status).toBe(0);
  const granted = atrium(['cluster', 'users', 'access', 'grant', '--user', username, '--node', 'family', '--role', role, ...extra]);
  expect(granted.status, granted.stderr).toBe(0);
}

/** Signs in at the portal; with one library the person lands in it. */
async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${cluster.urls.portal}/signin`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${cluster.urls.family}/**`);
  await page.waitForSelector('#role');
  return page;
}

/** A JSON call from inside the library's page, as its own UI makes it (same origin, CSRF token). */
async function call<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

interface Asset {
  id: string;
  fileName?: string;
  path?: string;
}

async function assetIds(page: Page): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: Asset[]; nextCursor: string | null } } = await call(page, 'GET', `/api/assets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((a) => a.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  cluster = new TestCluster(await freeLayout());
  cluster.start(['--instances', 'family']);
  await cluster.waitFor('Press Ctrl-C to stop.', 300_000);
  browser = await launchBrowser();
  person('uma', 'user');
  person('vic', 'viewer');
  person('cora', 'contributor', ['--base-path', 'uploads/{username}', '--upload-path', 'uploads/{username}']);
}, 360_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('a library people live in', () => {
  let uma: Page;
  let all: string[];

  it('journey 5a: a viewer does not see a photo made private, a user still does', async () => {
    uma = await signedIn('uma');
    all = await assetIds(uma);
    expect(all).toHaveLength(26);
    const made = await call(uma, 'PATCH', '/api/assets', { ids: [all[0]], changes: { private: true } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(await assetIds(uma)).toContain(all[0]);

    const vic = await signedIn('vic');
    expect(await vic.textContent('#role')).toBe('viewer');
    const seen = await assetIds(vic);
    expect(seen).toHaveLength(25);
    expect(seen).not.toContain(all[0]);
    expect((await call(vic, 'GET', `/api/assets/${all[0]}`)).status).toBe(404);
    await vic.reload();
    await vic.waitForSelector('[data-asset]');
    expect(await vic.locator(`[data-asset="${all[0]}"]`).count()).toBe(0);
    await vic.screenshot({ path: join(SCREENSHOTS, 'journey-5-viewer.png') });
  });

  it('journey 5b: a contributor uploads into its upload path and sees the thumbnail once the worker made it', async () => {
    const cora = await signedIn('cora');
    expect(await cora.textContent('#role')).toBe('contributor');
    const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#c0392b' } }).jpeg().withExif({ IFD2: { DateTimeOriginal: '2026:11:30 10:00:00' } }).toBuffer();
    const uploaded = await cora.evaluate(async (bytes) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'red-door.jpg');
      const res = await fetch('/api/uploads/files', { method: 'POST', headers: { 'x-csrf-token': session.csrfToken }, body: form });
      return { status: res.status, body: await res.json() };
    }, [...jpeg]);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body.files[0].path).toBe('uploads/cora/red-door.jpg');
    await cora.reload();
    await cora.waitForFunction(
      () => Array.from(document.querySelectorAll<HTMLImageElement>('[data-asset] img')).some((img) => img.complete && img.naturalWidth > 0),
      undefined,
      { timeout: 90_000, polling: 500 },
    );
    // Its base path is its own folder: the demo photos stay out of its sight.
    expect(await assetIds(cora)).toHaveLength(1);
    await cora.screenshot({ path: join(SCREENSHOTS, 'journey-5-contributor-upload.png') });
  });

  it('journey 6: a visitor opens a password-protected album link, and an expired link says it does not work', async () => {
    const album = await call<{ id: string }>(uma, 'POST', '/api/albums', { title: 'Summer in Lisbon' });
    expect(album.status, JSON.stringify(album.body)).toBe(201);
    const shared = all.slice(1, 4);
    expect((await call(uma, 'POST', `/api/albums/${album.body.id}/assets`, { ids: [...shared, all[0]] })).status).toBeLessThan(300);
    const link = await call<{ url: string }>(uma, 'POST', '/api/share-links', { albumId: album.body.id, password: 'open sesame' });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    const soon = await call<{ url: string }>(uma, 'POST', '/api/share-links', { albumId: album.body.id, expiresAt: new Date(Date.now() + 4_000).toISOString() });
    expect(soon.status, JSON.stringify(soon.body)).toBe(201);

    const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(visitorContext);
    const visitor = await visitorContext.newPage();
    await visitor.goto(link.body.url);
    await visitor.waitForSelector('#share-password');
    await visitor.fill('#password', 'wrong guess');
    await visitor.click('#share-password button[type=submit]');
    await visitor.waitForSelector('#share-password-error');
    await visitor.fill('#password', 'open sesame');
    await visitor.click('#share-password button[type=submit]');
    await visitor.waitForSelector('#share-title');
    expect(await visitor.textContent('#share-title')).toBe('Summer in Lisbon');
    // The album's photos, without the private one; nothing else of the library.
    await visitor.waitForFunction((n) => document.querySelectorAll('[data-asset]').length === n, shared.length, { timeout: 30_000 });
    expect(await visitor.locator(`[data-asset="${all[0]}"]`).count()).toBe(0);
    expect((await visitor.request.get(`${cluster.urls.family}/api/assets`)).status()).toBe(401);
    await visitor.screenshot({ path: join(SCREENSHOTS, 'journey-6-visitor.png') });

    await new Promise((r) => setTimeout(r, 4_500));
    const late = await visitorContext.newPage();
    await late.goto(soon.body.url);
    await late.waitForSelector('#share-gone');
    expect(await late.textContent('#share-gone')).toContain('This link does not work');
    await late.screenshot({ path: join(SCREENSHOTS, 'journey-6-expired.png') });
  });
});
