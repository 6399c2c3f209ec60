import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startOidcProvider, type TestOidcProvider } from '@atrium/testing';
import { PortalHarness } from '../../test/harness.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../../../e2e/screenshots/', import.meta.url));
const SECRET = 'the portal secret at the test IdP';

let idp: TestOidcProvider;
let second: TestOidcProvider;
let portal: PortalHarness;
let browser: Browser;

beforeAll(async () => {
  idp = await startOidcProvider({
    groupsClaim: 'member_of',
    users: [
      { sub: 'u-1', username: 'ann', password: 'ann-pass', name: 'Ann Example', groups: ['photographers'] },
    ],
  });
  second = await startOidcProvider({ users: [] });
  portal = await PortalHarness.start({
    ui: true,
    env: {
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'corp',
          name: 'Corp SSO',
          issuer: idp.issuer,
          clientId: 'atrium',
          clientSecret: SECRET,
          groupsClaim: 'member_of',
        },
        {
          id: 'partners',
          name: 'Partner Network of Northern Europe',
          issuer: second.issuer,
          clientId: 'atrium',
          clientSecret: SECRET,
        },
      ]),
    },
  });
  await idp.addClient({
    client_id: 'atrium',
    client_secret: SECRET,
    redirect_uris: [`${portal.url}/auth/oidc/corp/callback`],
  });
  for (const name of ['family', 'studio', 'club']) await portal.addNode(name);
  await portal.grants.allowGroup({ node: 'studio', group: 'photographers', role: 'contributor' }, 'cli:test');
  await portal.grants.allowGroup({ node: 'club', group: 'photographers', role: 'viewer' }, 'cli:test');
  await portal.grants.allowGroup({ node: 'family', group: 'relatives', role: 'user' }, 'cli:test');
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await Promise.all([idp?.stop(), second?.stop()]);
});

describe('OIDC sign-in in the browser', () => {
  it('shows a button per provider, at desktop and phone width', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await browser.newPage({ viewport });
      await page.goto(`${portal.url}/signin`);
      await page.getByRole('link', { name: 'Continue with Corp SSO' }).waitFor();
      await expect(page.getByRole('link', { name: /^Continue with/ }).allTextContents()).resolves.toEqual([
        'Continue with Corp SSO',
        'Continue with Partner Network of Northern Europe',
      ]);
      await page.screenshot({ path: `${SCREENSHOTS}portal-signin-providers-${name}.png`, fullPage: true });
      await page.close();
    }
  });

  it('signs in at the IdP, groups from a renamed claim, and the chooser shows what the mapping opens', async () => {
    const page = await browser.newPage();
    await page.goto(`${portal.url}/signin`);
    await page.getByRole('link', { name: 'Continue with Corp SSO' }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.fill('input[name=username]', 'ann');
    await page.fill('input[name=password]', 'ann-pass');
    await page.click('button[type=submit]');
    await page.waitForURL(`${portal.url}/chooser`);
    await page.locator('[data-library]').first().waitFor();
    const libraries = await page
      .locator('[data-library]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-library')));
    expect(libraries.sort()).toEqual(['club', 'studio']);
    await page.screenshot({ path: `${SCREENSHOTS}portal-chooser-after-oidc.png` });
    await page.close();
  });

  it('shows a short page, not a stack, when the provider cannot be trusted', async () => {
    idp.tamper = { signature: 'unknown-kid' };
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${portal.url}/auth/oidc/corp`);
      await page.fill('input[name=username]', 'ann');
      await page.fill('input[name=password]', 'ann-pass');
      await page.click('button[type=submit]');
      await page.waitForURL(`${portal.url}/auth/oidc/corp/callback**`);
      await expect(page.locator('h1').textContent()).resolves.toBe('Sign-in with Corp SSO failed');
      await expect(page.locator('body').textContent()).resolves.toMatch(/oidc_bad_signature/);
      await page.screenshot({ path: `${SCREENSHOTS}portal-oidc-refused-phone.png` });
    } finally {
      idp.tamper = undefined;
      await page.close();
    }
  });
});
