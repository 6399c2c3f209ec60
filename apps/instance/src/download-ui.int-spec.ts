import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeRelPath } from '@atrium/media';
import { launchBrowser } from '@atrium/testing';
import { insertAlbum, insertAsset } from './test/library.js';
import { SessionService } from './services/session.service.js';
import { sessionSecret, type SessionSeed } from './test/sessions.js';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';

// Downloads in the signed-in UI, in Chromium: an album's zip, a selection's zip (a form post the
// browser saves), one selected photo's original, a folder's zip with its tree; a guest who may see
// some photos only through a link that forbids downloads gets their previews and is told so; a
// refusal (nothing to download, too many files) is a message on the page, not a broken download;
// a form post from another site is refused. Every zip is unpacked and its entries compared.

let instance: InstanceHarness;
let db: DataSource;
let browser: Browser;
const secrets: Record<string, string> = {};
const ids: Record<string, string> = {};
let lake: string;
let gone: string;
let linked: string;

async function original(path: string, day: number): Promise<string> {
  const file = join(instance.config.originalsPath, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `bytes of ${path}`);
  return insertAsset(db, { path, sortAt: new Date(Date.UTC(2026, 6, day, 12)) });
}

async function as(who: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.addCookies([{ name: instance.cookieName, value: secrets[who]!, url: instance.url }]);
  return context;
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${instance.url}${path}`);
  return p;
}

/** The entries of a downloaded zip: name → content. */
async function entries(download: Download): Promise<Record<string, string>> {
  const zip = new AdmZip(await readFile((await download.path())!));
  return Object.fromEntries(zip.getEntries().map((e) => [e.entryName, e.getData().toString()]));
}

/** Clicks `selector` and returns the download it starts. */
async function downloadBy(p: Page, selector: string): Promise<Download> {
  const [download] = await Promise.all([p.waitForEvent('download', { timeout: 20_000 }), p.click(selector)]);
  return download;
}

beforeAll(async () => {
  buildInstanceUi();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none', ui: true });
  db = instance.app.get(DataSource);
  const files = ['lake/IMG_0001.jpg', 'lake/IMG_0002.jpg', 'lake/day2/IMG_0001.jpg', 'shared/beach.jpg'];
  for (const [i, path] of files.entries()) ids[path] = await original(path, 20 - i);
  // A photo outside the guest's base path, with a preview made: what a link without downloads gives.
  const hash = 'c'.repeat(64);
  const preview = derivativeRelPath(hash, 'preview');
  await mkdir(dirname(join(instance.config.cachePath, preview)), { recursive: true });
  await writeFile(join(instance.config.cachePath, preview), 'preview of studio/portrait.jpg');
  await mkdir(join(instance.config.originalsPath, 'studio'), { recursive: true });
  await writeFile(join(instance.config.originalsPath, 'studio/portrait.jpg'), 'bytes of studio/portrait.jpg');
  ids['studio/portrait.jpg'] = await insertAsset(db, {
    path: 'studio/portrait.jpg',
    contentHash: hash,
    derivatives: { preview },
    sortAt: new Date(Date.UTC(2026, 6, 10, 12)),
  });
  // Rows whose files are gone from the disk: their album has nothing to download.
  const missing = await insertAsset(db, { path: 'attic/lost.jpg', sortAt: new Date(Date.UTC(2026, 5, 1)) });
  lake = await insertAlbum(db, {
    title: 'Lake Week: “the best” of 2026/07',
    policy: { everyone: true, users: [], groups: [] },
    assets: [ids['lake/IMG_0001.jpg']!, ids['lake/IMG_0002.jpg']!, ids['lake/day2/IMG_0001.jpg']!],
  });
  gone = await insertAlbum(db, { title: 'Attic', assets: [missing] });
  linked = await insertAlbum(db, { title: 'Studio', assets: [ids['studio/portrait.jpg']!, ids['shared/beach.jpg']!] });
  const seeds: Array<[string, SessionSeed]> = [
    ['ada', { id: 'acc-ada', role: 'admin', name: 'Ada Lovelace' }],
    ['vera', { id: 'acc-vera', role: 'viewer', name: 'Vera Viewer' }],
    ['gus', { id: 'acc-gus', role: 'guest', name: 'Gus Guest', basePath: 'shared' }],
  ];
  for (const [who, seed] of seeds) secrets[who] = await sessionSecret(instance, seed);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
});

describe('downloads in the signed-in UI', () => {
  it('saves an album as a zip of its originals, names made unique, and says what it holds', async () => {
    const ada = await as('ada');
    const p = await open(ada, `/albums/${lake}`);
    await p.waitForSelector('#timeline [data-asset]');
    const download = await downloadBy(p, '#album-download');
    expect(download.suggestedFilename()).toBe('Lake Week_ “the best” of 2026_07.zip');
    expect(await entries(download)).toEqual({
      'IMG_0001.jpg': 'bytes of lake/IMG_0001.jpg',
      'IMG_0002.jpg': 'bytes of lake/IMG_0002.jpg',
      'IMG_0001 (2).jpg': 'bytes of lake/day2/IMG_0001.jpg',
    });
    await p.waitForSelector('#album-download-notice');
    expect(await p.textContent('#album-download-notice')).toBe(
      'Downloading “Lake Week_ “the best” of 2026_07.zip”: 3 files.',
    );
    await p.screenshot({ path: join(SCREENSHOTS, 'download-album.png') });
    await ada.close();
  });

  it('zips the three selected photos from the timeline, as a form post the browser saves', async () => {
    const ada = await as('ada');
    const p = await open(ada, '/');
    await p.waitForSelector('#timeline [data-asset]');
    const picked = ['lake/IMG_0002.jpg', 'shared/beach.jpg', 'studio/portrait.jpg'];
    for (const [n, path] of picked.entries()) {
      await p.click(`#timeline [data-asset="${ids[path]}"] .select`);
      await p.waitForSelector(`#selected-count:has-text("${n + 1} selected")`);
    }
    expect(await p.textContent('#selected-count')).toBe('3 selected');
    const posted = p.waitForRequest((r) => r.url() === `${instance.url}/api/downloads` && r.method() === 'POST');
    const download = await downloadBy(p, '#bulk-download');
    // A form post, not a fetch: the browser streams the answer to disk.
    expect((await posted).headers()['content-type']).toBe('application/x-www-form-urlencoded');
    expect(download.suggestedFilename()).toBe('family-selection.zip');
    expect(await entries(download)).toEqual({
      'IMG_0002.jpg': 'bytes of lake/IMG_0002.jpg',
      'beach.jpg': 'bytes of shared/beach.jpg',
      'portrait.jpg': 'bytes of studio/portrait.jpg',
    });
    await p.waitForFunction(() => document.querySelector('#selection-notice')?.textContent?.includes('3 files'));
    await p.screenshot({ path: join(SCREENSHOTS, 'download-selection.png') });
    await ada.close();
  });

  it('downloads one selected photo as its original file, as the lightbox does', async () => {
    const vera = await as('vera');
    const p = await open(vera, '/');
    await p.waitForSelector('#timeline [data-asset]');
    await p.click(`#timeline [data-asset="${ids['shared/beach.jpg']}"] .select`);
    const download = await downloadBy(p, '#bulk-download');
    expect(download.suggestedFilename()).toBe('beach.jpg');
    expect(await readFile((await download.path())!, 'utf8')).toBe('bytes of shared/beach.jpg');
    // The lightbox's Download gives the same file.
    await p.click('#selection-bar button:has-text("Clear")');
    await p.waitForSelector('#selected-count', { state: 'detached' });
    await p.click(`#timeline [data-asset="${ids['shared/beach.jpg']}"]`);
    const fromLightbox = await downloadBy(p, '#lightbox a:has-text("Download")');
    expect(fromLightbox.suggestedFilename()).toBe('beach.jpg');
    await vera.close();
  });

  it('zips a folder with its subfolders kept as folders', async () => {
    const ada = await as('ada');
    const p = await open(ada, '/folders?path=lake');
    await p.waitForSelector('#timeline [data-asset]');
    expect(await p.textContent('#folder-download')).toBe('⤓ Download folder');
    const download = await downloadBy(p, '#folder-download');
    expect(download.suggestedFilename()).toBe('lake.zip');
    expect(await entries(download)).toEqual({
      'IMG_0001.jpg': 'bytes of lake/IMG_0001.jpg',
      'IMG_0002.jpg': 'bytes of lake/IMG_0002.jpg',
      'day2/IMG_0001.jpg': 'bytes of lake/day2/IMG_0001.jpg',
    });
    await ada.close();
  });

  it('gives a guest previews of what a link shows without downloads, and says so', async () => {
    const ada = await as('ada');
    const created = await ada.request.post(`${instance.url}/api/share-links`, {
      headers: { origin: instance.url },
      data: { albumId: linked, allowDownload: false },
    });
    const { url } = (await created.json()) as { url: string };
    await ada.close();
    const gus = await as('gus');
    // Gus opens the link signed in, and keeps seeing what it names.
    const share = await open(gus, new URL(url, instance.url).pathname);
    await share.waitForSelector('#share-title');
    expect(await share.locator('#share-download').count()).toBe(0);
    const p = await open(gus, `/albums/${linked}`);
    await p.waitForSelector('#timeline [data-asset]');
    const download = await downloadBy(p, '#album-download');
    expect(await entries(download)).toEqual({
      'beach.jpg': 'bytes of shared/beach.jpg',
      'portrait.preview.jpg': 'preview of studio/portrait.jpg',
    });
    await p.waitForSelector('#album-download-notice');
    expect(await p.textContent('#album-download-notice')).toBe(
      'Downloading “Studio.zip”: 2 files, 1 preview among them — you may see those but not download their originals.',
    );
    await p.screenshot({ path: join(SCREENSHOTS, 'download-guest-previews.png') });
    // One selected photo whose original is not his comes as a zip of its preview, never the original.
    const t = await open(gus, '/');
    await t.waitForSelector(`#timeline [data-asset="${ids['studio/portrait.jpg']}"]`);
    await t.click(`#timeline [data-asset="${ids['studio/portrait.jpg']}"] .select`);
    const one = await downloadBy(t, '#bulk-download');
    expect(await entries(one)).toEqual({ 'portrait.preview.jpg': 'preview of studio/portrait.jpg' });
    const direct = await gus.request.get(`${instance.url}/api/assets/${ids['studio/portrait.jpg']}/original`);
    expect(direct.status()).toBe(404);
    // His folders start at his base path, and its zip holds what is in it, the linked photo not.
    const f = await open(gus, '/folders');
    await f.waitForSelector('#folder-download');
    expect(await f.textContent('#folder-download')).toBe('⤓ Download folder');
    const folder = await downloadBy(f, '#folder-download');
    expect(folder.suggestedFilename()).toBe('shared.zip');
    expect(await entries(folder)).toEqual({ 'beach.jpg': 'bytes of shared/beach.jpg' });
    await gus.close();
  });

  it('shows a message, and starts no download, when there is nothing to download', async () => {
    const ada = await as('ada');
    const p = await open(ada, `/albums/${gone}`);
    await p.waitForSelector('#album-download');
    let downloads = 0;
    p.on('download', () => downloads++);
    await p.click('#album-download');
    await p.waitForSelector('#album-download-notice[role=alert]');
    expect(await p.textContent('#album-download-notice')).toBe(
      'There is nothing here you may download: its files are missing, or their previews are not made yet.',
    );
    expect(p.url()).toBe(`${instance.url}/albums/${gone}`);
    await p.screenshot({ path: join(SCREENSHOTS, 'download-empty.png') });
    // Selected, the same: the bar says so.
    const t = await open(ada, '/');
    await t.waitForSelector('#timeline [data-asset]');
    const lost = await t.$$eval('#timeline [data-asset]', (tiles) => tiles.at(-1)!.getAttribute('data-asset'));
    await t.click(`#timeline [data-asset="${lost}"] .select`);
    await t.click('#bulk-download');
    await t.waitForSelector('#selection-notice[role=alert]');
    expect(await t.textContent('#selection-notice')).toContain('There is nothing here you may download');
    expect(downloads).toBe(0);
    await ada.close();
  });

  it('signs in again and comes back, rather than saving an error page, when the session ended behind the page', async () => {
    // Thumbnails made: the timeline has nothing to ask again, so only the click meets the ended session.
    const thumb = derivativeRelPath('d'.repeat(64), 'thumb');
    const ready = await insertAsset(db, { path: 'ready/ready.jpg', contentHash: 'd'.repeat(64), derivatives: { thumb } });
    const album = await insertAlbum(db, { title: 'Ready', assets: [ready] });
    secrets.eve = await sessionSecret(instance, { id: 'acc-eve', role: 'user', name: 'Eve' });
    const eve = await as('eve');
    const p = await open(eve, `/albums/${album}`);
    await p.waitForSelector('#album-download');
    let downloads = 0;
    p.on('download', () => downloads++);
    await instance.app.get(SessionService).end(secrets.eve);
    // The sign-in itself needs a portal this test has none of: the request is enough.
    await p.route('**/auth/login**', (route) => route.abort());
    const signIn = p.waitForRequest((r) => r.url().includes('/auth/login'));
    await p.click('#album-download');
    const target = new URL((await signIn).url());
    expect(target.searchParams.get('prompt')).toBe('none');
    expect(target.searchParams.get('return_to')).toBe(`/albums/${album}`);
    expect(downloads).toBe(0);
    await eve.close();
  });

  it('refuses a form post from another site, even one sharing the cookie', async () => {
    const page = `<form method="post" action="${instance.url}/api/downloads">
      <input name="ids" value="${ids['lake/IMG_0001.jpg']}"></form><script>document.forms[0].submit()</script>`;
    const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ada = await as('ada');
    const p = await ada.newPage();
    let downloads = 0;
    p.on('download', () => downloads++);
    const answered = p.waitForResponse(`${instance.url}/api/downloads`);
    await p.goto(other);
    const res = await answered;
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_CSRF');
    expect(downloads).toBe(0);
    await ada.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('shows a message when a folder holds more than one zip may', async () => {
    await db.query(
      `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'bulk/' || i || '.jpg', 'bulk', i || '.jpg', 1, now(), md5(i::text) || md5(i::text),
         'image', 'image/jpeg', '2001-01-01', now(), now()
       FROM generate_series(1, 50001) i`,
    );
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const ada = await as('ada', viewport);
      const p = await open(ada, '/folders?path=bulk');
      await p.click('#folder-download');
      await p.waitForSelector('#folder-download-notice[role=alert]');
      expect(await p.textContent('#folder-download-notice')).toBe(
        'That is more files than one zip may hold (50,000). Download it folder by folder, or select fewer.',
      );
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await p.screenshot({ path: join(SCREENSHOTS, `download-too-many${viewport.width < 500 ? '-phone' : ''}.png`) });
      await ada.close();
    }
  });

  it('fits a phone: the album’s and the selection’s Download', async () => {
    const ada = await as('ada', { width: 390, height: 844 });
    const p = await open(ada, `/albums/${lake}`);
    await p.waitForSelector('#timeline [data-asset]');
    await downloadBy(p, '#album-download');
    await p.waitForSelector('#album-download-notice');
    await p.click(`#timeline [data-asset="${ids['lake/IMG_0001.jpg']}"] .select`);
    await p.waitForSelector('#selected-count:has-text("1 selected")');
    await p.click(`#timeline [data-asset="${ids['lake/IMG_0002.jpg']}"] .select`);
    await p.waitForSelector('#selected-count:has-text("2 selected")');
    await downloadBy(p, '#bulk-download');
    await p.waitForFunction(() => document.querySelector('#selection-notice')?.textContent?.includes('2 files'));
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: join(SCREENSHOTS, 'download-phone.png') });
    await ada.close();
  });
});
