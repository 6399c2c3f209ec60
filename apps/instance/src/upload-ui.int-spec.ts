import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@atrium/testing';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';
import { PortalHarness } from './test/portal.js';
import { jpeg, noisyJpeg } from './test/upload-files.js';

// The upload screen in Chromium: files chosen, progress on a slow link, pause and resume, a refused
// file explained, and the screen at phone width. Screenshots go to e2e/screenshots/.
const PASSWORD = 'correct horse battery staple';

let portal: PortalHarness;
let family: InstanceHarness;
let browser: Browser;

beforeAll(async () => {
  buildInstanceUi();
  portal = await PortalHarness.start({ ui: true });
  family = await InstanceHarness.start({ name: 'family', portal, ui: true });
  mkdirSync(family.config.originalsPath, { recursive: true });
  await portal.addUser('ann', { password: PASSWORD });
  await portal.grants.grant(
    { username: 'ann', node: 'family', role: 'contributor', uploadPath: 'uploads/{username}' },
    'cli:test',
  );
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await family?.stop();
  await portal?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(family.url);
  await page.click('#sign-in');
  await page.waitForURL(/\/signin/);
  await page.fill('#username', 'ann');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${family.url}/`);
  await page.waitForSelector('#role');
}

describe('the upload screen', () => {
  it('uploads chosen files with progress, pause and resume, and says why a file was refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await context.newPage();
    await signIn(page);
    await page.click('#nav-upload');
    await page.waitForURL(`${family.url}/upload`);
    expect(await page.inputValue('#upload-folder')).toBe('uploads/ann');
    // A slow link, so the large photo is seen on its way.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
    const big = await noisyJpeg(2400, 1600);
    await page.setInputFiles('#upload-input', [
      { name: 'Beach at dawn, a long name that goes on and on.jpg', mimeType: 'image/jpeg', buffer: await jpeg(1, 800, 600) },
      { name: 'Harbour.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') },
    ]);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.upload-status')).some((s) => s.textContent === 'Uploading'));
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.upload-status')).some((s) => s.textContent === 'Refused'));
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-in-progress.png'), fullPage: true });
    await page.click('.upload-item button:has-text("Pause")');
    await page.waitForSelector('.upload-item button:has-text("Resume")');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.click('.upload-item button:has-text("Resume")');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.upload-status')).filter((s) => s.textContent === 'Added').length === 2, undefined, { timeout: 60_000 });
    expect(await page.locator('.upload-item').filter({ hasText: 'notes.jpg' }).textContent()).toContain('not a recognised image or video');
    expect(readdirSync(join(family.config.originalsPath, 'uploads/ann')).sort()).toEqual([
      'Beach at dawn, a long name that goes on and on.jpg',
      'Harbour.jpg',
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-done.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-phone.png'), fullPage: true });
    await context.close();
  }, 120_000);
});
