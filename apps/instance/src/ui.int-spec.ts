import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@atrium/testing';
import { LibraryIndexService } from './services/library-index.service.js';
import { buildInstanceUi } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';
import { writeJpeg, writeVideo } from './test/originals.js';
import { PortalHarness } from './test/portal.js';
import { WorkerProcess, buildWorkerDist } from './test/worker.js';

// The instance's screens in Chromium: signing in through the portal's pages, indexing from the
// progress panel, thumbnails appearing as the real worker makes them, infinite scroll, the lightbox
// with video playback, signing out.
const PASSWORD = 'correct horse battery staple';

let portal: PortalHarness;
let family: InstanceHarness;
let worker: WorkerProcess;
let browser: Browser;

beforeAll(async () => {
  buildInstanceUi();
  buildWorkerDist();
  portal = await PortalHarness.start({ ui: true });
  family = await InstanceHarness.start({ name: 'family', portal, ui: true });
  await portal.addUser('ada', { password: PASSWORD });
  await portal.grants.grant({ username: 'ada', node: 'family', role: 'admin' }, 'cli:test');
  const originals = family.config.originalsPath;
  for (let i = 0; i < 130; i++)
    await writeJpeg(
      originals,
      `2024/day-${String(i).padStart(3, '0')}.jpg`,
      i,
      `2024:03:${String((i % 28) + 1).padStart(2, '0')} 12:00:00`,
    );
  await writeVideo(originals, '2025/party.mp4', 2);
  worker = new WorkerProcess({
    WORKER_PORT: '0',
    WORKER_INSTANCES: JSON.stringify([
      {
        name: 'family',
        redisUrl: family.redis.url,
        originalsPath: originals,
        cachePath: family.config.cachePath,
      },
    ]),
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  worker?.kill('SIGTERM');
  await worker?.exited;
  await family?.stop();
  await portal?.stop();
});

/** Scrolls like someone reading down the grid until every one of the 131 files is a tile, once. */
async function scrollToTheEnd(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      window.scrollTo(0, document.body.scrollHeight);
      return document.querySelectorAll('#timeline [data-asset]').length === 131;
    },
    undefined,
    { timeout: 30_000, polling: 250 },
  );
}

async function signIn(page: Page): Promise<void> {
  await page.goto(family.url);
  await page.click('#sign-in');
  await page.waitForURL(/\/signin/);
  await page.fill('#username', 'ada');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${family.url}/`);
  await page.waitForSelector('#role');
}

describe('the library in a browser', () => {
  it('signs in through the portal, indexes, shows thumbnails as the worker makes them, scrolls, plays a video and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    await signIn(page);
    expect(await page.textContent('#role')).toBe('admin');
    expect(await page.textContent('#library-name')).toBe('family');
    expect(await page.textContent('#signed-in-as')).toBe('ada');
    expect(await page.getAttribute('#other-libraries', 'href')).toBe(`${portal.url}/chooser`);
    expect(await page.locator('#nav a').allTextContents()).toEqual(
      expect.arrayContaining(['Timeline', 'Folders', 'Albums', 'Favorites']),
    );
    expect(await page.getAttribute('#nav-timeline', 'aria-current')).toBe('page');
    expect(await page.textContent('#index-state')).toBe('never run');

    await page.click('#index-now');
    await page.waitForFunction(
      () => document.querySelector('#index-state')?.textContent === 'completed',
      undefined,
      { timeout: 60_000 },
    );
    await page.reload();
    await page.waitForSelector('#timeline [data-asset]');
    await page.waitForFunction(
      () => document.querySelectorAll('#timeline [data-ready="yes"] img').length >= 20,
      undefined,
      { timeout: 120_000 },
    );
    const first = await page.locator('#timeline [data-ready="yes"] img').first();
    await first.evaluate((img: HTMLImageElement) =>
      img.complete ? null : new Promise((resolve) => img.addEventListener('load', resolve)),
    );
    expect(await first.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    const before = await page.locator('#timeline [data-asset]').count();
    expect(before).toBe(100);
    await scrollToTheEnd(page);

    await page.waitForFunction(
      () => document.querySelector('#timeline [data-asset] span')?.textContent === '▶',
      undefined,
      { timeout: 60_000 },
    );
    await page.locator('#timeline [data-asset]').first().click();
    await page.waitForSelector('#lightbox');
    const video = page.locator('#lightbox video');
    await video.waitFor({ timeout: 90_000 });
    const played = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve, reject) => {
          v.muted = true;
          const check = () => (v.currentTime > 0.2 ? resolve(v.currentTime) : setTimeout(check, 100));
          v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)));
          void v.play().catch(() => undefined);
          check();
        }),
    );
    expect(played).toBeGreaterThan(0.2);
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#lightbox img');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lightbox', { state: 'detached' });

    await page.click('text=Sign out');
    await page.waitForURL(`${family.url}/`);
    await page.waitForSelector('#sign-in');
    const res = await page.request.get(`${family.url}/api/session`);
    expect(res.status()).toBe(401);
    await context.close();
  });

  it('keeps scrolling after the next page failed to load once, and says so meanwhile', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    // On its own the test indexes first; after the journey above, the unchanged library stays as it is.
    await family.app.get(LibraryIndexService).start({ rescan: false, requestedBy: null });
    await family.app.get(LibraryIndexService).settled();
    let failures = 0;
    // The network drops the first request for the second page, as a flaky connection would.
    await page.route(/\/api\/assets\?.*cursor=/, (route) =>
      failures++ === 0 ? route.abort('connectionreset') : route.continue(),
    );
    await signIn(page);
    await page.waitForSelector('#timeline [data-asset]');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForSelector('#timeline-retry');
    expect(await page.textContent('#timeline-error')).toContain('cannot be reached');
    await scrollToTheEnd(page);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#timeline-error').count()).toBe(0);
    await context.close();
  });
});
