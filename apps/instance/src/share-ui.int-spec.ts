import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeRelPath } from '@atrium/media';
import { launchBrowser } from '@atrium/testing';
import { insertAlbum, insertAsset } from './test/library.js';
import { sessionJar, sessionSecret } from './test/sessions.js';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';
import { jpeg } from './test/upload-files.js';

// The visitor's page of a share link in Chromium: a "Download all" button only when the link
// allows downloads (none otherwise, as Immich does), which saves the album as a zip of its
// originals; "Download" for a one-photo link; the same after a password. Screenshots at desktop
// and phone width under e2e/screenshots/.
let instance: InstanceHarness;
let db: DataSource;
let browser: Browser;
const originals = new Map<string, Buffer>();
let album: string;
let single: string;

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A real JPEG original and its thumbnail in the cache, as the workers would have left them. */
async function photo(path: string, seed: number, takenAt: string): Promise<string> {
  const data = await jpeg(seed, 480 + (seed % 3) * 160, 360);
  const contentHash = sha(data);
  const file = join(instance.config.originalsPath, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  originals.set(path.slice(path.lastIndexOf('/') + 1), data);
  const thumb = derivativeRelPath(contentHash, 'thumb');
  await mkdir(dirname(join(instance.config.cachePath, thumb)), { recursive: true });
  await writeFile(
    join(instance.config.cachePath, thumb),
    await sharp(data).resize({ height: 250 }).webp().toBuffer(),
  );
  const id = await insertAsset(db, { path, contentHash, takenAt: new Date(takenAt), derivatives: { thumb } });
  const { width, height } = await sharp(data).metadata();
  await db.query('UPDATE assets SET width = $2, height = $3 WHERE id = $1', [id, width, height]);
  return id;
}

/** A link made by the admin through the API; its visitor URL. */
async function link(body: Record<string, unknown>): Promise<string> {
  const admin = await sessionJar(instance, { id: 'acc-ada', role: 'admin' });
  const res = await instance.request(admin, '/api/share-links', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}

/** Waits until every thumbnail in view has loaded, so a screenshot shows them. */
async function thumbnailsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLImageElement>('#timeline [data-asset] img'))
      .filter((img) => img.getBoundingClientRect().top < window.innerHeight)
      .every((img) => img.complete && img.naturalWidth > 0),
  );
}

async function visit(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Clicks the download button; the saved file's name and bytes. */
async function save(page: Page): Promise<{ name: string; data: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#share-download')]);
  return { name: download.suggestedFilename(), data: await readFile((await download.path())!) };
}

beforeAll(async () => {
  buildInstanceUi();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none', ui: true });
  db = instance.app.get(DataSource);
  const ids = [];
  for (let i = 1; i <= 9; i++)
    ids.push(await photo(`family/2026/lake/IMG_${1000 + i}.jpg`, i * 11, `2026-08-0${i}T10:00:00Z`));
  const hidden = await photo('family/2026/lake/IMG_PRIVATE.jpg', 5, '2026-08-01T12:00:00Z');
  await db.query('UPDATE assets SET private = true WHERE id = $1', [hidden]);
  album = await insertAlbum(db, {
    title: 'A week at the lake with the whole family, grandparents, cousins and the dog',
    assets: [...ids, hidden],
  });
  single = ids[0]!;
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
});

describe('downloads on the visitor page', () => {
  it('offers "Download all" on a link that allows downloads, and saves the album as a zip of its originals', async () => {
    const page = await visit(await link({ albumId: album, allowDownload: true }));
    await page.waitForSelector('#timeline [data-asset]');
    await page.waitForSelector('#share-download');
    expect(await page.textContent('#share-download')).toBe('Download all');
    await thumbnailsLoaded(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'share-download.png') });
    const { name, data } = await save(page);
    expect(name).toBe('A week at the lake with the whole family, grandparents, cousins and the dog.zip');
    const entries = new AdmZip(data).getEntries();
    expect(entries.map((e) => e.entryName).sort()).toEqual(
      [...originals.keys()].filter((n) => n !== 'IMG_PRIVATE.jpg').sort(),
    );
    for (const entry of entries)
      expect(sha(entry.getData()), entry.entryName).toBe(sha(originals.get(entry.entryName)!));
    await page.context().close();
  });

  it('shows no download button on a link that forbids downloads', async () => {
    const page = await visit(await link({ albumId: album }));
    await page.waitForSelector('#timeline [data-asset]');
    expect(await page.locator('#timeline [data-asset]').count()).toBe(9);
    // The months request that would show the button has answered by the time the tiles are drawn.
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#share-download').count()).toBe(0);
    expect(await page.textContent('header')).not.toContain('downloaded');
    await thumbnailsLoaded(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'share-no-download.png') });
    await page.context().close();
  });

  it('fits the button under a long title at phone width, and saves after the password', async () => {
    const page = await visit(await link({ albumId: album, allowDownload: true, password: 'lakeside' }), {
      width: 390,
      height: 844,
    });
    await page.fill('#password', 'lakeside');
    await page.click('#share-password button[type=submit]');
    await page.waitForSelector('#share-download');
    await page.waitForSelector('#timeline [data-asset]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = (await page.locator('#share-download').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await thumbnailsLoaded(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'share-download-phone.png') });
    expect(new AdmZip((await save(page)).data).getEntries()).toHaveLength(9);
    await page.context().close();
  });

  it('tells the maker of a link what its visitors will be able to download', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const secret = await sessionSecret(instance, { id: 'acc-ada', role: 'admin' });
    await context.addCookies([{ name: instance.cookieName, value: secret, url: instance.url }]);
    const page = await context.newPage();
    await page.goto(`${instance.url}/albums/${album}`);
    await page.click('#album-share');
    expect(await page.textContent('#share-download-hint')).toContain('no download button');
    await page.check('#share-dialog input[type=checkbox]');
    expect(await page.textContent('#share-download-hint')).toContain('“Download all” button');
    await page.locator('#share-dialog').screenshot({ path: join(SCREENSHOTS, 'share-dialog-download.png') });
    await context.close();
  });

  it('offers no zip of an album the link shows nothing of, and says it is empty', async () => {
    const empty = await insertAlbum(db, { title: 'Not yet', assets: [] });
    const page = await visit(await link({ albumId: empty, allowDownload: true }));
    await page.waitForSelector('#share-title');
    await page.waitForLoadState('networkidle');
    expect(await page.textContent('body')).toContain('Nothing is shared through this link any more.');
    expect(await page.locator('#share-download').count()).toBe(0);
    await page.context().close();
  });

  it('offers "Download" on a one-photo link, which saves the original itself', async () => {
    const page = await visit(await link({ assetId: single, allowDownload: true }));
    await page.waitForSelector('#share-download');
    expect(await page.textContent('#share-download')).toBe('Download');
    const { name, data } = await save(page);
    expect(name).toBe('IMG_1001.jpg');
    expect(sha(data)).toBe(sha(originals.get('IMG_1001.jpg')!));
    await page.context().close();
  });
});
