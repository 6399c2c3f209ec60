import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@atrium/testing';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';
import { PortalHarness } from './test/portal.js';
import { sessionJar } from './test/sessions.js';

// The library administration screen in Chromium: an admin sees people and sessions, jobs with a
// failed file retried, the index, settings and storage; a manager only people and sessions.
// Screenshots go to e2e/screenshots/library-admin-*.png.
const PASSWORD = 'correct horse battery staple';

let portal: PortalHarness;
let family: InstanceHarness;
let browser: Browser;
let failedId: string;

beforeAll(async () => {
  buildInstanceUi();
  portal = await PortalHarness.start({ ui: true });
  family = await InstanceHarness.start({ name: 'family', portal, ui: true });
  mkdirSync(family.config.originalsPath, { recursive: true });
  await portal.addUser('ann', { password: PASSWORD });
  await portal.grants.grant({ username: 'ann', node: 'family', role: 'admin' }, 'cli:test');
  await portal.addUser('mo', { password: PASSWORD });
  await portal.grants.grant({ username: 'mo', node: 'family', role: 'manager' }, 'cli:test');
  await portal.addUser('vi', { password: PASSWORD });
  await portal.grants.grant({ username: 'vi', node: 'family', role: 'viewer' }, 'cli:test');
  // Someone else signed in twice, and a file whose thumbnails failed.
  await sessionJar(family, { id: 'acc-bea-with-a-rather-long-account-name', role: 'viewer' });
  await sessionJar(family, { id: 'acc-bea-with-a-rather-long-account-name', role: 'viewer' });
  failedId = randomUUID();
  await family.app.get(DataSource).query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, failures, created_at, updated_at)
     VALUES ($1, $2, 'holidays/2024 summer at the lake', 'IMG_2024-07-14 sunset over the water.jpg', 3400000, now(), $3, 'image', 'image/jpeg', now(), $4, now(), now())`,
    [
      failedId,
      'holidays/2024 summer at the lake/IMG_2024-07-14 sunset over the water.jpg',
      failedId.replace(/-/g, '').repeat(2),
      JSON.stringify({ thumbnails: 'decode_failed' }),
    ],
  );
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await family?.stop();
  await portal?.stop();
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(family.url);
  await page.click('#sign-in');
  await page.waitForURL(/\/signin/);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${family.url}/`);
  await page.waitForSelector('#role');
}

describe('the library administration screen', () => {
  it('shows an admin every section, ends a session and retries a failed file', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'ann');
    await page.click('#nav-admin');
    await page.waitForURL(`${family.url}/admin`);
    for (const id of ['#admin-people', '#admin-jobs', '#index-progress', '#admin-settings', '#admin-storage'])
      await page.waitForSelector(id);
    await page.waitForSelector(`[data-failed="${failedId}"]`);
    expect(await page.textContent(`[data-failed="${failedId}"]`)).toContain('thumbnails: decode_failed');
    await page.waitForSelector('#admin-storage li');
    expect(await page.textContent('#admin-storage')).toContain('3.4 MB in 1 file');
    expect(await page.textContent('#webdav-state')).toBe('on');
    await page.screenshot({ path: join(SCREENSHOTS, 'library-admin-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'library-admin-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });

    await page.click('[data-person="acc-bea-with-a-rather-long-account-name"] button');
    await page.waitForSelector('#admin-sessions .end-session');
    expect(await page.locator('#admin-sessions .end-session').count()).toBe(2);
    await page.locator('#admin-sessions .end-session').first().click();
    await page.waitForSelector('text=Session ended');
    await page.waitForFunction(() => document.querySelectorAll('#admin-sessions .end-session').length === 1);

    await page.click(`[data-failed="${failedId}"] .retry`);
    await page.waitForSelector('text=No failed files.');
    await page.click('#delete-originals');
    await page.waitForSelector('#admin-settings >> text=Saved.');
    expect(await page.isChecked('#delete-originals')).toBe(true);
    await context.close();
  }, 120_000);

  it('saves derivative sizes, names a bad field, goes back to the defaults and rebuilds', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'ann');
    await page.goto(`${family.url}/admin`);
    await page.waitForSelector('#derivative-settings');
    expect(await page.inputValue('#setting-thumbSize')).toBe('250');
    expect(await page.textContent('#derivative-settings')).toContain('Video quality (CRF, lower is better)');
    expect(await page.isDisabled('#save-derivatives')).toBe(true);

    await page.fill('#setting-thumbSize', '300');
    await page.selectOption('#setting-videoPreset', 'veryfast');
    await page.click('#save-derivatives');
    await page.waitForSelector('#derivatives-notice >> text=Saved.');
    expect(await page.inputValue('#setting-thumbSize')).toBe('300');

    await page.fill('#setting-previewSize', '9000');
    await page.fill('#setting-videoCrf', 'best');
    await page.click('#save-derivatives');
    await page.waitForSelector('#error-previewSize');
    expect(await page.textContent('#error-previewSize')).toBe('must be an integer from 256 to 4096');
    expect(await page.textContent('#error-videoCrf')).toBe('must be an integer from 0 to 51');
    expect(await page.textContent('#derivatives-notice')).toContain('Not saved');
    await page.locator('#admin-settings').screenshot({ path: join(SCREENSHOTS, 'library-admin-derivatives-error-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#admin-settings').screenshot({ path: join(SCREENSHOTS, 'library-admin-derivatives-error-phone.png') });
    await page.setViewportSize({ width: 1100, height: 900 });
    expect(await page.isDisabled('#rebuild-derivatives')).toBe(true);
    expect(await page.textContent('#rebuild-unsaved')).toContain('a rebuild uses the saved settings');
    const stored = await page.evaluate(async () => (await (await fetch('/api/admin/settings')).json()) as { derivatives: Record<string, unknown> });
    expect(stored.derivatives).toMatchObject({ thumbSize: 300, previewSize: 1440, videoCrf: 23, videoPreset: 'veryfast' });

    await page.fill('#setting-previewSize', '1440');
    await page.fill('#setting-videoCrf', '23');
    await page.waitForSelector('#rebuild-derivatives:not([disabled])');
    expect(await page.locator('#derivative-settings [role=alert]').count()).toBe(0);
    expect(await page.locator('#derivatives-notice').count()).toBe(0);

    // The retried file's job waits with the old sizes: the rebuild replaces it; a second press does not.
    await page.click('#rebuild-derivatives');
    await page.waitForSelector('#rebuild-result[data-state=completed]');
    expect(await page.textContent('#rebuild-result')).toBe(
      '1 job queued for 1 file. The workers make them in the background (see Jobs).',
    );
    await page.waitForSelector('#rebuild-derivatives:not([disabled])');
    await page.click('#rebuild-derivatives');
    await page.waitForSelector('#rebuild-result[data-state=completed] >> text=already waiting');
    expect(await page.textContent('#rebuild-result')).toBe('0 jobs queued for 1 file; 1 already waiting with these settings.');
    await page.locator('#admin-settings').screenshot({ path: join(SCREENSHOTS, 'library-admin-derivatives-rebuilt.png') });
    // A page opened later shows the latest run.
    await page.reload();
    await page.waitForSelector('#rebuild-result[data-state=completed] >> text=already waiting');

    await page.click('#reset-derivatives');
    await page.waitForSelector('#derivatives-notice >> text=Back to the defaults.');
    expect(await page.inputValue('#setting-thumbSize')).toBe('250');
    expect(await page.inputValue('#setting-previewSize')).toBe('1440');
    expect(await page.locator('#derivative-settings [role=alert]').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('shows a manager people and sessions only', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, 'mo');
    expect(await page.locator('#nav a').allTextContents()).toContain('Admin');
    await page.goto(`${family.url}/admin`);
    await page.waitForSelector('#admin-people tr[data-person]');
    for (const id of ['#admin-jobs', '#admin-settings', '#admin-storage'])
      expect(await page.locator(id).count(), id).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'library-admin-manager-phone.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('offers a viewer no Admin entry, and the page shows them nothing to administer', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    await signIn(page, 'vi');
    expect(await page.locator('#nav a').allTextContents()).not.toContain('Admin');
    await page.goto(`${family.url}/admin`);
    await page.waitForSelector('h2:has-text("Administration")');
    for (const id of ['#admin-people', '#admin-jobs', '#index-progress', '#admin-settings', '#admin-storage'])
      expect(await page.locator(id).count(), id).toBe(0);
    await page.waitForSelector('#admin-nothing');
    const api = await page.evaluate(async () => (await fetch('/api/admin/people')).status);
    expect(api).toBe(403);
    await context.close();
  }, 60_000);
});
