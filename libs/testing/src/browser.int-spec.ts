import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { startOidcProvider } from './oidc-provider.js';

describe('launchBrowser', () => {
  let browser: Browser;
  let server: Server;
  beforeAll(async () => {
    browser = await launchBrowser();
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<title>Atrium ${req.url}</title><p id="agent"></p><script>agent.textContent = navigator.userAgent</script>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await browser.close();
    server.close();
  });

  it('opens a data: page and reads its title', async () => {
    const page = await browser.newPage();
    await page.goto('data:text/html,<title>Hello from data</title>');
    expect(await page.title()).toBe('Hello from data');
    await page.close();
  });

  it('loads a local http page and runs its script', async () => {
    const page = await browser.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/library`);
    expect(await page.title()).toBe('Atrium /library');
    expect(await page.textContent('#agent')).toMatch(/Chrome\//);
    await page.close();
  });

  it('signs in at the test IdP through its login form', async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const idp = await startOidcProvider({
      users: [{ sub: 'alice-sub', username: 'alice', password: 'alice-pw' }],
      clients: [{ client_id: 'web', redirect_uris: [redirectUri] }],
    });
    const page = await browser.newPage();
    try {
      const callback = new Promise<URL>((resolve) => {
        void page.route(`${redirectUri}?*`, async (route) => {
          resolve(new URL(route.request().url()));
          await route.fulfill({ body: 'signed in' });
        });
      });
      const authorize = new URL('/auth', idp.issuer);
      authorize.search = new URLSearchParams({
        client_id: 'web',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        state: 'browser-state',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      await page.goto(authorize.toString());
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-pw');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const url = await callback;
      expect(url.searchParams.get('state')).toBe('browser-state');
      expect(url.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
    } finally {
      await page.close();
      await idp.stop();
    }
  });
});
