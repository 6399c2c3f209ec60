import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupService } from '@atrium/portal/testing';
import { launchBrowser } from '@atrium/testing';
import { InstanceHarness } from './test/instance.js';
import { writeJpeg } from './test/originals.js';
import { PortalHarness } from './test/portal.js';

// Every page of the portal and of a library in Chromium with the security headers on: the CSP
// (per-response script nonces, no 'unsafe-eval') must not block anything the pages do.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PASSWORD = 'correct horse battery staple';

let portal: PortalHarness;
let family: InstanceHarness;
let studio: InstanceHarness;
let browser: Browser;

beforeAll(async () => {
  for (const project of ['apps/portal', 'apps/instance']) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--project', project], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`${project} UI build failed: ${build.stdout}${build.stderr}`);
  }
  portal = await PortalHarness.start({ ui: true });
  family = await InstanceHarness.start({ name: 'family', portal, ui: true });
  studio = await InstanceHarness.start({ name: 'studio', portal, ui: true });
  await portal.addUser('ada', { password: PASSWORD });
  for (const node of ['family', 'studio']) await portal.grants.grant({ username: 'ada', node, role: 'admin' }, 'cli:test');
  await writeJpeg(family.config.originalsPath, '2024/one.jpg', 1, '2024:03:01 12:00:00');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  await family?.stop();
  await portal?.stop();
});

/** A page that records every CSP violation (the DOM event and Chromium's console report). */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; violations: string[] }> {
  const violations: string[] = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  return { page, violations };
}

async function reported(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

describe('pages under the Content-Security-Policy', () => {
  it('the portal: setup, sign-in, the chooser; a library: sign-in, the timeline, the API docs', async () => {
    const context = await browser.newContext();
    const { page, violations } = await watchedPage(context);
    const seen: string[] = [];
    const visit = async (what: string, wait: () => Promise<unknown>) => {
      await wait();
      const csp = await page.evaluate(() => document.querySelectorAll('script:not([nonce])').length);
      seen.push(`${what}: ${(await reported(page)).length} reported, ${csp} scripts without nonce`);
      expect(await reported(page), what).toEqual([]);
    };

    const link = (await portal.app.get(SetupService).createLink())!;
    await page.goto(`${portal.url}/setup/${link.token}`);
    await visit('portal setup', () => page.waitForSelector('#username'));

    await page.goto(family.url);
    await visit('library sign-in', () => page.waitForSelector('#sign-in'));
    await page.click('#sign-in');
    await page.waitForURL(/\/signin/);
    await visit('portal sign-in', () => page.waitForSelector('#password'));
    await page.fill('#username', 'ada');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${family.url}/`);
    await visit('library timeline', () => page.waitForSelector('#role'));

    await page.goto(`${portal.url}/chooser`);
    await visit('portal chooser', () => page.waitForSelector(`a[href*="${studio.url}"], a[href*="studio"]`));

    await page.goto(`${family.url}/api/docs`);
    await visit('library API docs', () => page.waitForSelector('.swagger-ui', { timeout: 15_000 }));

    expect(violations, seen.join('\n')).toEqual([]);
    await context.close();
  });

  it('would see a violation: an injected inline handler is refused and reported', async () => {
    const context = await browser.newContext();
    const { page, violations } = await watchedPage(context);
    await page.goto(`${portal.url}/signin`);
    await page.waitForSelector('#password');
    // An injected inline handler, as an XSS would plant it: the CSP refuses to run it, and says so.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<button id="evil" onclick="window.__ran = true">x</button>'));
    await page.click('#evil');
    await page.waitForFunction(() => ((window as unknown as { __csp?: string[] }).__csp ?? []).length > 0);
    expect((await reported(page))[0]).toMatch(/^script-src/);
    expect(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
    expect(violations.length).toBeGreaterThan(0);
    await context.close();
  });
});
