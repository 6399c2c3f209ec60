import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import * as client from 'openid-client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { freePort, launchBrowser } from '@atrium/testing';
import { SetupService } from '../services/setup.service.js';
import { PASSWORD, PortalHarness, type NodeCreds } from '../test/harness.js';

// jsqr is a CommonJS bundle whose typings declare an ES default export.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

/** Reads a QR code shown as an image data URL, as a phone camera would. */
async function decodeQr(dataUrl: string): Promise<string> {
  const image = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  const { data, info } = await sharp(image, { density: 300 }).flatten({ background: '#fff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  if (!found) throw new Error('no QR code in the image');
  return found.data;
}

let portal: PortalHarness;
let browser: Browser;
let family: NodeCreds;
let instance: Server;

beforeAll(async () => {
  portal = await PortalHarness.start({ ui: true });
  const port = await freePort();
  // Stands in for an instance: answers every page so the browser can land there.
  instance = createServer((_req, res) => res.end('instance'));
  await new Promise<void>((resolve) => instance.listen(port, '127.0.0.1', resolve));
  family = await portal.addNode('family', { url: `http://127.0.0.1:${port}` });
  await portal.addNode('studio');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => instance?.close(resolve));
  await portal?.stop();
});

async function signInThroughPage(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
}

describe('the portal’s pages', () => {
  it('send a user with one library straight there, and a user with none to the no-access page', async () => {
    await portal.addUser('ann');
    await portal.grants.grant({ username: 'ann', node: 'family' }, 'cli:test');
    await portal.addUser('nobody');
    const one = await browser.newPage();
    await one.goto(`${portal.url}/signin`);
    await signInThroughPage(one, 'ann');
    await one.waitForURL(`${family.url}/auth/login`);
    const none = await browser.newPage();
    await none.goto(`${portal.url}/signin`);
    await signInThroughPage(none, 'nobody');
    await none.waitForURL(`${portal.url}/no-access`);
    expect(await none.textContent('main')).toMatch(/ask an admin/i);
    await Promise.all([one.context().close(), none.context().close()]);
  });

  it('list the libraries of a user with several', async () => {
    await portal.addUser('bob', { groups: ['club'] });
    await portal.grants.grant({ username: 'bob', node: 'family', role: 'viewer' }, 'cli:test');
    await portal.grants.allowGroup({ node: 'studio', group: 'club', role: 'guest' }, 'cli:test');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${portal.url}/signin`);
    await signInThroughPage(page, 'bob');
    await page.waitForURL(`${portal.url}/chooser`);
    await page.waitForSelector('li');
    const listed = await page.locator('[data-library]').evaluateAll((links) =>
      links.map((a) => `${(a as HTMLElement).dataset.library} as ${a.querySelector('[data-role]')?.textContent}`),
    );
    expect(listed).toEqual(['family as viewer', 'studio as guest']);
    await context.close();
  });

  it('sign in for an instance’s authorization request and return to it with a code', async () => {
    const rp = await portal.relyingParty(family);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: `${family.url}/auth/callback`,
      scope: 'openid profile email atrium',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'xyz',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url.href);
    await page.waitForURL(/\/signin\?interaction=/);
    await signInThroughPage(page, 'ann');
    await page.waitForURL(/\/auth\/callback\?/);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toBeTruthy();
    expect(landed.searchParams.get('state')).toBe('xyz');
    await context.close();
  });

  it('let the first admin set a password and enrol TOTP from the setup link', async () => {
    const link = (await portal.app.get(SetupService).createLink())!;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${portal.url}/setup/${link.token}`);
    await page.fill('#username', 'root');
    await page.fill('#password', PASSWORD);
    await page.fill('#repeat', PASSWORD);
    await page.click('button[type=submit]:not([disabled])');
    await page.waitForURL(`${portal.url}/signin/enrol`);
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    // The QR code a phone scans holds the same secret, for this account, from this issuer.
    const scanned = new URL(await decodeQr((await page.locator('[data-testid=totp-qr]').getAttribute('src'))!));
    expect(scanned.protocol).toBe('otpauth:');
    expect(scanned.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(scanned.pathname)).toContain('root');
    await page.fill('#code', await generateTotpCode(secret, portal.clock.now()));
    await page.click('button[type=submit]');
    const codes = (await page.locator('[data-testid=recovery-codes]').textContent())!.trim().split('\n');
    expect(codes).toHaveLength(10);
    expect((await portal.accounts.require('root')).clusterAdmin).toBe(true);

    // Setting up a new authenticator later asks for a code from the current one.
    await page.goto(`${portal.url}/signin/enrol`);
    const next = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    expect(next).not.toBe(secret);
    await page.fill('#code', await generateTotpCode(next, portal.clock.now()));
    await page.click('button[type=submit]:not([disabled])');
    await page.fill('#currentCode', await generateTotpCode(secret, new Date(portal.clock.now().getTime() + 30_000)));
    await page.click('button[type=submit]');
    await page.locator('[data-testid=recovery-codes]').waitFor();
    const replaced = (await page.locator('[data-testid=recovery-codes]').textContent())!.trim().split('\n');
    expect(replaced).toHaveLength(10);
    expect(replaced).not.toContain(codes[0]);
    await context.close();
  });
});
