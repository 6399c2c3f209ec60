import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { launchBrowser, startSmtp, type TestSmtp } from '@atrium/testing';
import { TestCluster, freeLayout } from 'atrium/testing';

// An organization's people on `atrium start --with-idp`: single sign-on through the IdP, an
// Active Directory account admitted by its group, a colleague invited by email. The cluster, the
// IdP, the directory and the mail server are real processes; people use a real browser.
const ATRIUM = fileURLToPath(new URL('../apps/cli/bin/atrium.js', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const PASSWORD = 'a long enough passphrase 42';

let cluster: TestCluster;
let browser: Browser;
let smtp: TestSmtp;

/** The CLI as the operator runs it beside the cluster, with the portal's mail server. */
function atrium(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, NO_COLOR: '1', SMTP_URL: smtp.url };
  const r = spawnSync(process.execPath, [ATRIUM, ...args, '--data', cluster.dataDir], { input, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The libraries the chooser lists, as `name as role`. */
async function chooserLibraries(page: Page): Promise<string[]> {
  await page.waitForSelector('[data-library]');
  return page
    .locator('[data-library]')
    .evaluateAll((links) => links.map((a) => `${(a as HTMLElement).dataset.library} as ${a.querySelector('[data-role]')?.textContent}`));
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  smtp = await startSmtp();
  cluster = new TestCluster(await freeLayout());
  cluster.start(['--empty', '--with-idp'], { SMTP_URL: smtp.url });
  await cluster.waitFor('Press Ctrl-C to stop.');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop('SIGTERM');
  cluster?.remove();
  await smtp?.stop();
});

describe('people of an organization', () => {
  let contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
  });
  async function person(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    return context.newPage();
  }

  it('journey 1: signs in through the IdP, sees exactly the libraries its groups open, and enters one with that role', async () => {
    expect(cluster.output).toContain('Demo organization (--with-idp)');
    const page = await person();
    await page.goto(`${cluster.urls.portal}/signin`);
    await page.getByText('Continue with Demo IdP').click();
    // The organization's own login page, then back to the portal.
    await page.waitForSelector('input[name=password]');
    await page.fill('input[name=username], input[name=login]', 'cleo');
    await page.fill('input[name=password]', 'demo-cleo-2026');
    await page.locator('button[type=submit]').first().click();
    await page.waitForURL(`${cluster.urls.portal}/chooser`);
    // cleo is in both groups: family-members opens family as user, photographers studio as contributor.
    expect(await chooserLibraries(page)).toEqual(['family as user', 'studio as contributor']);
    await page.click('[data-library=studio]');
    await page.waitForURL(`${cluster.urls.studio}/**`);
    await page.waitForSelector('#role');
    expect(await page.textContent('#role')).toBe('contributor');
    await shot(page, 'journey-1-sso-studio');

    // dan is in no group: signed in at the portal, no library.
    const dan = await person();
    await dan.goto(`${cluster.urls.portal}/signin`);
    await dan.getByText('Continue with Demo IdP').click();
    await dan.waitForSelector('input[name=password]');
    await dan.fill('input[name=username], input[name=login]', 'dan');
    await dan.fill('input[name=password]', 'demo-dan-2026');
    await dan.locator('button[type=submit]').first().click();
    await dan.waitForURL(`${cluster.urls.portal}/no-access`);
  });

  it('journey 3: an Active Directory user (CORP\\ben) is admitted to studio through the group mapping of its DN', async () => {
    const page = await person();
    await page.goto(`${cluster.urls.portal}/signin`);
    await page.fill('#username', 'CORP\\ben');
    await page.fill('#password', 'demo-ben-2026');
    await page.click('button[type=submit]');
    // One library: straight there.
    await page.waitForURL(`${cluster.urls.studio}/**`);
    await page.waitForSelector('#role');
    expect(await page.textContent('#role')).toBe('contributor');
    await shot(page, 'journey-3-ldap-studio');
    // The account is linked by objectGUID and decided by the directory group's DN.
    const shown = atrium(['users', 'show', 'ben', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ username: 'ben', authProvider: 'ldap' });
    const explained = atrium(['cluster', 'access', 'explain', '--user', 'ben', '--node', 'studio']);
    expect(explained.status, explained.stderr).toBe(0);
    expect(explained.stdout.toLowerCase()).toContain('cn=photographers,ou=groups,dc=corp,dc=example');
    const audit = atrium(['audit', 'logins', '--method', 'ldap', '--json']);
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/"result":\s*"success"/);
  });

  it('journey 4: a colleague invited by email sets a password and enrols TOTP, then signs in with a password and a recovery code', async () => {
    const invited = atrium(['users', 'invite', 'kim@corp.example', '--name', 'Kim Example']);
    expect(invited.status, invited.stderr).toBe(0);
    const mail = await smtp.waitForMessage((m) => m.to.includes('kim@corp.example'), 20_000);
    const link = new RegExp(`${cluster.urls.portal.replace(/[.:/]/g, '\\$&')}/invite/[A-Za-z0-9_-]{43}`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeDefined();

    const page = await person();
    await page.goto(link!);
    await page.waitForSelector('#username');
    await page.fill('#username', 'kim');
    await page.fill('#password', PASSWORD);
    await page.fill('#repeat', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/signin\/enrol/);
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    await page.fill('#code', await generateTotpCode(secret, new Date()));
    await page.click('button[type=submit]');
    const recoveryCodes = (await page.locator('[data-testid=recovery-codes]').textContent())!.trim().split('\n');
    expect(recoveryCodes).toHaveLength(10);
    await shot(page, 'journey-4-invited-totp');

    // A fresh browser: password, then the second step, then the portal (no library granted yet).
    const again = await person();
    await again.goto(`${cluster.urls.portal}/signin`);
    await again.fill('#username', 'kim');
    await again.fill('#password', PASSWORD);
    await again.click('button[type=submit]');
    await again.waitForURL(`${cluster.urls.portal}/signin/totp`);
    // The step just used to enrol is spent (no replay), so the second step here is a recovery code.
    await again.getByText('Use a recovery code').click();
    await again.fill('#code', recoveryCodes[0]!.trim());
    await again.click('button[type=submit]');
    await again.waitForURL(`${cluster.urls.portal}/no-access`);
  });
});
