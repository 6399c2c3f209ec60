import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { CookieJar, launchBrowser, startSmtp, type TestSmtp } from '@atrium/testing';
import { InvitationService } from '../services/invitation.service.js';
import { PASSWORD, PortalHarness, type NodeCreds } from '../test/harness.js';

// The pages of accounts by email and the account page, in Chromium, with mail received over SMTP.
const SCREENSHOTS = fileURLToPath(new URL('../../../../e2e/screenshots/', import.meta.url));
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let smtp: TestSmtp;
let portal: PortalHarness;
let browser: Browser;
let family: NodeCreds;
let studio: NodeCreds;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  smtp = await startSmtp();
  portal = await PortalHarness.start({
    ui: true,
    env: { SMTP_URL: smtp.url, ATRIUM_SELF_REGISTRATION: 'true' },
    runtime: { outbox: { pollMs: 50 } },
  });
  family = await portal.addNode('family');
  studio = await portal.addNode('studio');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.stop();
});

/** Both widths of one page, for a person to look at. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const [suffix, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${suffix}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

async function mailedLink(address: string, page: 'invite' | 'reset'): Promise<string> {
  const message = await smtp.waitForMessage((m) => m.to.includes(address), 5_000);
  const match = new RegExp(`${portal.url.replace(/[.:/]/g, '\\$&')}/${page}/[A-Za-z0-9_-]{43}`).exec(message.text);
  expect(match, message.text).not.toBeNull();
  return match![0];
}

async function verify(node: NodeCreds, username: string, password: string) {
  const res = await fetch(`${portal.url}/api/cluster/app-passwords/verify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${node.clientId}:${node.clientSecret}`).toString('base64')}`,
    },
    body: JSON.stringify({ username, password }),
  });
  return (await res.json()) as { active: boolean; username?: string };
}

async function signIn(context: BrowserContext, username: string, password = PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${portal.url}/signin`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  return page;
}

describe('an invitation in the browser', () => {
  it('sets a password from the mailed link, then enrols TOTP and shows recovery codes', async () => {
    await portal.app.get(InvitationService).invite({ email: 'ann@example.org', name: 'Ann Example' }, 'cli:test');
    const link = await mailedLink('ann@example.org', 'invite');
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(link);
    await page.waitForSelector('#username');
    expect(await page.inputValue('#username')).toBe('ann');
    expect(await page.textContent('main')).toContain('ann@example.org');
    await screenshots(page, 'invitation');
    await page.fill('#password', PASSWORD);
    await page.fill('#repeat', 'not the same');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toMatch(/differ/);
    await page.fill('#repeat', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${portal.url}/signin/enrol?optional=1`);
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    expect(await page.textContent('main')).toMatch(/Not now/);
    await page.fill('#code', await generateTotpCode(secret, portal.clock.now()));
    await page.click('button[type=submit]');
    expect((await page.locator('[data-testid=recovery-codes]').textContent())!.trim().split('\n')).toHaveLength(10);
    expect((await portal.accounts.require('ann')).totpSecret).not.toBeNull();

    const reused = await context.newPage();
    await reused.goto(link);
    await reused.waitForSelector('text=Link not valid');
    await context.close();
  });
});

describe('a password reset in the browser', () => {
  it('asks for the address, answers the same for an unknown one, and sets a new password from the mail', async () => {
    await portal.addUser('bob', { email: 'bob@example.org' });
    const context = await browser.newContext({ viewport: DESKTOP });
    const signedInElsewhere = await signIn(await browser.newContext(), 'bob');
    const page = await context.newPage();
    await page.goto(`${portal.url}/signin`);
    await page.waitForSelector('text=Create an account');
    await screenshots(page, 'signin-mail-links');
    await page.click('text=Forgot your password?');
    await page.waitForURL(`${portal.url}/reset`);
    await screenshots(page, 'reset-request');
    await page.fill('#email', 'nobody@example.org');
    await page.click('button[type=submit]');
    const unknownAnswer = await page.textContent('[role=status]');
    await page.goto(`${portal.url}/reset`);
    await page.fill('#email', 'bob@example.org');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=status]')).toBe(unknownAnswer);

    await page.goto(await mailedLink('bob@example.org', 'reset'));
    await page.waitForSelector('text=For the account');
    await screenshots(page, 'reset');
    await page.fill('#password', 'a fresh passphrase 9');
    await page.fill('#repeat', 'a fresh passphrase 9');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Password changed');
    // The other browser's session ended with the reset.
    await signedInElsewhere.reload();
    expect((await (await signedInElsewhere.request.get(`${portal.url}/api/session`)).json()).signedIn).toBe(false);
    await signIn(context, 'bob', 'a fresh passphrase 9');
    expect(smtp.messages.filter((m) => m.to.includes('nobody@example.org'))).toEqual([]);
    await Promise.all([context.close(), signedInElsewhere.context().close()]);
  });
});

describe('the account page in the browser', () => {
  it('changes the password, ends another session and shows a new app password once', async () => {
    await portal.addUser('cleo', { name: 'Cleo Example With A Rather Long Name', email: 'cleo@example.org' });
    await portal.grants.grant({ username: 'cleo', node: 'family' }, 'cli:test');
    const phone = await browser.newContext({
      viewport: PHONE,
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1',
    });
    const phonePage = await signIn(phone, 'cleo');
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await signIn(context, 'cleo');
    await page.goto(`${portal.url}/account`);
    await page.waitForSelector('[data-testid=session]');
    expect(await page.locator('[data-testid=session]').count()).toBe(2);

    // End the phone's session from the laptop.
    const phoneRow = page.locator('[data-testid=session]', { hasText: 'Safari on iOS' });
    await phoneRow.locator('button').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=session]').length === 1);
    expect((await (await phonePage.request.get(`${portal.url}/api/session`)).json()).signedIn).toBe(false);

    // An app password for the one library cleo may open, shown once.
    await page.fill('#ap-name', 'Phone WebDAV');
    await page.selectOption('#ap-node', 'family');
    await page.click('[data-testid=app-passwords] button[type=submit]');
    const value = (await page.locator('[data-testid=app-password-value]').textContent())!.trim();
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await screenshots(page, 'account');
    expect(await verify(family, 'cleo', value)).toMatchObject({ active: true, username: 'cleo' });
    expect(await verify(studio, 'cleo', value)).toEqual({ active: false });
    await page.click('text=I have copied it');
    await page.reload();
    await page.waitForSelector('[data-testid=app-password]');
    expect(await page.textContent('main')).not.toContain(value);

    // Change the password: a wrong current one is refused, then it works.
    await page.fill('#currentPassword', 'not my password');
    await page.fill('#newPassword', 'cleo new passphrase');
    await page.fill('#repeat', 'cleo new passphrase');
    await page.click('[data-testid=password] button[type=submit]');
    expect(await page.textContent('[data-testid=password] [role=alert]')).toMatch(/current password is wrong/);
    await page.fill('#currentPassword', PASSWORD);
    await page.click('[data-testid=password] button[type=submit]');
    await page.waitForSelector('[data-testid=password] [role=status]');
    expect((await portal.signIn(new CookieJar(), 'cleo', 'cleo new passphrase')).status).toBe(200);

    // Revoke it from the page.
    await page.locator('[data-testid=app-password]').locator('button').click();
    await page.waitForSelector('text=You have no app passwords.');
    expect(await verify(family, 'cleo', value)).toEqual({ active: false });
    await Promise.all([context.close(), phone.close()]);
  });

  it('tells an account without libraries when app passwords come, and sends a signed-out visitor to sign in', async () => {
    await portal.addUser('dan');
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await signIn(context, 'dan');
    await page.goto(`${portal.url}/account`);
    await page.waitForSelector('text=once an administrator gives you access');
    await screenshots(page, 'account-empty');
    const anonymous = await (await browser.newContext()).newPage();
    await anonymous.goto(`${portal.url}/account`);
    await anonymous.waitForURL(`${portal.url}/signin`);
    await Promise.all([context.close(), anonymous.context().close()]);
  });
});
