import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rgbaToThumbHash } from 'thumbhash';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRole } from '@atrium/policy';
import { launchBrowser } from '@atrium/testing';
import { UserRepository } from './repositories/user.repository.js';
import { SessionService } from './services/session.service.js';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';

// The library's screens in Chromium over 2,000 assets: month and day headings in order, a
// justified layout that keeps every aspect ratio, the scrubber's jumps, no tile twice while
// scrolling, selection by click, shift-click and keyboard with undo, the trash, shared links and
// the visitor's page; screenshots under e2e/screenshots/.
const COUNT = 2000;

let instance: InstanceHarness;
let db: DataSource;
let browser: Browser;
let adminSecret: string;

async function secretFor(id: string, role: InstanceRole, name: string): Promise<string> {
  const access = { role, groups: [], basePath: null, uploadPath: null, webdav: false };
  await instance.app
    .get(UserRepository)
    .upsert({ id, username: id, name, email: null, ...access, lastSeenAt: new Date() });
  const { secret } = await instance.app
    .get(SessionService)
    .create({ userId: id, portalSid: null, access, idToken: 'unused', authTime: null });
  return secret;
}

/** A few ThumbHashes of plain colours, so that tiles show something before thumbnails exist. */
function hashes(): string[] {
  const colours = [
    [196, 120, 80],
    [70, 120, 170],
    [90, 150, 90],
    [200, 180, 90],
    [140, 90, 150],
    [60, 60, 70],
  ];
  return colours.map(([r, g, b]) => {
    const rgba = new Uint8Array(8 * 8 * 4);
    for (let i = 0; i < 64; i++) rgba.set([r! + (i % 8) * 6, g! + Math.floor(i / 8) * 5, b!, 255], i * 4);
    return Buffer.from(rgbaToThumbHash(8, 8, rgba)).toString('base64');
  });
}

async function page(context: BrowserContext, path: string): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${instance.url}${path}`);
  return p;
}

async function signedIn(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: instance.cookieName, value: adminSecret, url: instance.url }]);
  return context;
}

beforeAll(async () => {
  buildInstanceUi();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none', ui: true });
  db = instance.app.get(DataSource);
  // 2,000 photos over about three years, a few a day, in six shapes from panorama to portrait.
  await db.query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, taken_at, sort_at,
       width, height, placeholder, created_at, updated_at)
     SELECT gen_random_uuid(), 'family/' || i || '.jpg', 'family', 'IMG_' || lpad(i::text, 4, '0') || '.jpg', 1000, t,
       md5(i::text) || md5(i::text), 'image', 'image/jpeg', t, t,
       (ARRAY[4000, 3000, 4000, 6000, 2000, 3000])[i % 6 + 1], (ARRAY[3000, 4000, 4000, 2000, 3000, 2000])[i % 6 + 1],
       ($2::text[])[i % 6 + 1], now(), now()
     FROM generate_series(1, $1) i, LATERAL (SELECT '2026-11-30T18:00:00Z'::timestamptz - (i * 13) * interval '1 hour' AS t) x`,
    [COUNT, hashes()],
  );
  adminSecret = await secretFor('acc-ada', 'admin', 'Ada Lovelace');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
});

describe('the timeline in a browser', () => {
  it('groups by month and day in order, keeps aspect ratios, and never shows a tile twice while scrolling 2,000 assets', async () => {
    const context = await signedIn();
    const p = await page(context, '/');
    await p.waitForSelector('#timeline [data-asset]');
    await p.screenshot({ path: join(SCREENSHOTS, 'timeline.png') });
    const ratios = new Map(
      (
        (await db.query('SELECT id::text, width, height FROM assets')) as Array<{
          id: string;
          width: number;
          height: number;
        }>
      ).map((r) => [r.id, r.width / r.height]),
    );
    const shapes = await p.$$eval('#timeline [data-asset]', (tiles) =>
      tiles
        .slice(0, 60)
        .map((t) => ({ id: t.getAttribute('data-asset')!, w: t.clientWidth, h: t.clientHeight })),
    );
    for (const s of shapes)
      expect(Math.abs(s.w / s.h - ratios.get(s.id)!) / ratios.get(s.id)!, s.id).toBeLessThan(0.05);

    const seen = new Set<string>();
    let duplicates = 0;
    for (let round = 0; round < 400 && seen.size < COUNT; round++) {
      const ids = await p.$$eval('#timeline [data-asset]', (tiles) =>
        tiles.map((t) => t.getAttribute('data-asset')!),
      );
      duplicates = Math.max(duplicates, ids.length - new Set(ids).size);
      ids.forEach((id) => seen.add(id));
      await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await p.waitForTimeout(120);
    }
    expect(duplicates).toBe(0);
    expect(seen.size).toBe(COUNT);
    const days = await p.$$eval('#timeline .day', (list) => list.map((d) => d.getAttribute('data-day')!));
    expect(days).toEqual([...days].sort().reverse());
    expect(new Set(days).size).toBe(days.length);
    const months = await p.$$eval('#timeline .month-heading', (list) =>
      list.map((h) => h.id.replace('month-', '')),
    );
    expect(months).toEqual([...new Set(days.map((d) => d.slice(0, 7)))]);
    await context.close();
  }, 180_000);

  it('jumps with the scrubber to a month not loaded yet, and back', async () => {
    const context = await signedIn();
    const p = await page(context, '/');
    await p.waitForSelector('#scrubber [data-month]');
    const oldest = await p.$$eval('#scrubber [data-month]', (b) =>
      b[b.length - 1]!.getAttribute('data-month')!,
    );
    await p.click(`#scrubber [data-month="${oldest}"]`);
    await p.waitForSelector(`#month-${oldest}`);
    await p.waitForFunction(
      (id) => {
        const top = document.getElementById(id)?.getBoundingClientRect().top;
        return top !== undefined && Math.abs(top) < 120;
      },
      `month-${oldest}`,
      { timeout: 10_000 },
    );
    const firstDay = await p.$eval('#timeline .day', (d) => d.getAttribute('data-day')!);
    expect(firstDay.slice(0, 7)).toBe(oldest);
    await p.click('#timeline-from button');
    await p.waitForFunction(
      () =>
        !document.querySelector('#timeline-from') &&
        document.querySelector('#timeline .day')?.getAttribute('data-day') === '2026-11-30',
    );
    await context.close();
  });

  it('selects with click, shift-click and the keyboard, favorites in bulk and undoes it', async () => {
    const context = await signedIn();
    const p = await page(context, '/');
    await p.waitForSelector('#timeline [data-asset]');
    await p.click('#timeline [data-index="0"] .select');
    await p.click('#timeline [data-index="4"]', { modifiers: ['Shift'] });
    expect(await p.textContent('#selected-count')).toBe('5 selected');
    await p.focus('#timeline [data-index="5"]');
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('Space');
    expect(await p.textContent('#selected-count')).toBe('6 selected');
    await p.screenshot({ path: join(SCREENSHOTS, 'timeline-selection.png') });
    await p.click('#selection-bar button:has-text("Favorite")');
    await p.waitForSelector('#undo');
    expect(await db.query('SELECT count(*)::int AS n FROM assets WHERE favorite')).toEqual([{ n: 6 }]);
    await p.click('#undo');
    await p.waitForFunction(() =>
      document.querySelector('#selection-notice')?.textContent?.includes('Undone'),
    );
    expect(await db.query('SELECT count(*)::int AS n FROM assets WHERE favorite')).toEqual([{ n: 0 }]);
    await context.close();
  });

  it('fits a phone', async () => {
    const context = await signedIn({ width: 390, height: 844 });
    const p = await page(context, '/');
    await p.waitForSelector('#timeline [data-asset]');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: join(SCREENSHOTS, 'timeline-phone.png') });
    await context.close();
  });
});

describe('albums, sharing and the trash in a browser', () => {
  it('shows an album, shares it, lets a visitor in by password, lists the link, and fills and empties the trash', async () => {
    const ids = (
      (await db.query('SELECT id::text FROM assets ORDER BY sort_at DESC LIMIT 24')) as Array<{ id: string }>
    ).map((r) => r.id);
    const context = await signedIn();
    const api = context.request;
    const headers = { origin: instance.url };
    const album = await (
      await api.post(`${instance.url}/api/albums`, { headers, data: { title: 'Summer in the Alps' } })
    ).json();
    await api.post(`${instance.url}/api/albums/${album.id}/assets`, {
      headers,
      data: { ids: ids.slice(0, 14) },
    });
    const p = await page(context, `/albums/${album.id}`);
    await p.waitForSelector('#timeline [data-asset]');
    expect(await p.locator('#timeline [data-asset]').count()).toBe(14);
    await p.click('#album-share');
    await p.fill('#share-dialog input[type=password]', 'alpine');
    await p.click('#share-dialog button[type=submit]');
    const url = await p.inputValue('#share-url');
    await p.screenshot({ path: join(SCREENSHOTS, 'album.png') });

    const visitor = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const v = await visitor.newPage();
    await v.goto(url);
    await v.fill('#password', 'wrong');
    await v.click('#share-password button[type=submit]');
    await v.waitForSelector('#share-password-error');
    await v.fill('#password', 'alpine');
    await v.click('#share-password button[type=submit]');
    await v.waitForSelector('#timeline [data-asset]');
    expect(await v.textContent('#share-title')).toBe('Summer in the Alps');
    expect(await v.locator('#timeline [data-asset]').count()).toBe(14);
    expect(await v.locator('#nav').count()).toBe(0);
    await v.screenshot({ path: join(SCREENSHOTS, 'share-visitor.png') });

    const links = await page(context, '/shared-links');
    await links.waitForSelector('#links [data-link]');
    expect(await links.textContent('#links .opens')).toBe('1');
    await links.screenshot({ path: join(SCREENSHOTS, 'shared-links.png') });
    await links.click('#links .revoke');
    await links.waitForFunction(() => document.querySelector('#links .state')?.textContent === 'revoked');
    await v.reload();
    await v.waitForSelector('#share-gone');
    await v.screenshot({ path: join(SCREENSHOTS, 'share-revoked.png') });

    await api.post(`${instance.url}/api/trash`, { headers, data: { ids: ids.slice(14) } });
    const trash = await page(context, '/trash');
    await trash.waitForSelector('#trash [data-asset]');
    expect(await trash.locator('#trash [data-asset]').count()).toBe(10);
    await trash.click(`#trash [data-asset="${ids[14]}"]`);
    await trash.screenshot({ path: join(SCREENSHOTS, 'trash.png') });
    await trash.click('#restore');
    await trash.waitForFunction(() => document.querySelectorAll('#trash [data-asset]').length === 9);
    trash.once('dialog', (d) => void d.accept());
    await trash.click('#empty-trash');
    await trash.waitForSelector('#trash-empty');
    expect(await db.query('SELECT count(*)::int AS n FROM tombstones')).toEqual([{ n: 9 }]);
    await visitor.close();
    await context.close();
  }, 120_000);
});
