import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, freePort, launchBrowser } from '@atrium/testing';
import { session as instanceSession } from '../apps/instance/src/test/auth.js';
import { InstanceHarness } from '../apps/instance/src/test/instance.js';
import { enrolledAdmin, passwordOnly, type AdminClient } from '../apps/portal/src/test/admin.js';
import { PortalHarness, signedIn } from '../apps/portal/src/test/harness.js';

// The admin screens driven as a cluster admin would, against a real portal (Postgres, the Next UI)
// and a real instance that joins with the token the screen showed.
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const PHONE = { width: 390, height: 844 };

let portal: PortalHarness;
let family: InstanceHarness | undefined;
let browser: Browser;
let admin: AdminClient;
let context: BrowserContext;
let page: Page;

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: join(SHOTS, `admin-${name}.png`), fullPage: true });
}

async function atPhoneWidth(path: string, name: string): Promise<void> {
  const phone = await context.newPage();
  await phone.setViewportSize(PHONE);
  await phone.goto(`${portal.url}${path}`);
  await phone.locator('main h1').waitFor();
  await phone.waitForLoadState('networkidle');
  await shot(`${name}-phone`, phone);
  await phone.close();
}

async function open(path: string): Promise<void> {
  await page.goto(`${portal.url}${path}`);
  await page.locator('main h1').waitFor();
}

/** Clicks a destructive button, then the confirmation dialog's confirm button. */
async function confirm(testId: string): Promise<void> {
  await page.click(`[data-testid="${testId}"]`);
  await page.locator('dialog[open] [data-testid=confirm]').click();
}

async function instancesOf(username: string): Promise<{ name: string; role: string }[]> {
  const jar = await signedIn(portal, username);
  const res = await jar.fetch(`${portal.url}/api/instances`);
  return ((await res.json()) as { instances: { name: string; role: string }[] }).instances;
}

/** A browser signed in at the portal, then at the library (every hop bounded, so a stall names itself). */
async function signedInAtFamily(username: string): Promise<CookieJar> {
  const jar = await signedIn(portal, username);
  let next = new URL('/auth/login', family!.url);
  for (let hop = 0; hop < 12; hop++) {
    const res = await jar
      .fetch(next, { redirect: 'manual', signal: AbortSignal.timeout(15_000) })
      .catch((e: unknown) => {
        throw new Error(`sign-in of ${username} stalled at ${next.href}: ${String(e)}`);
      });
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) break;
    next = new URL(location, next);
    if (next.origin === family!.url && !next.pathname.startsWith('/auth/')) break;
  }
  if (next.searchParams.has('signin')) throw new Error(`sign-in of ${username} ended at ${next.href}`);
  return jar;
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

beforeAll(async () => {
  portal = await PortalHarness.start({ ui: true, runtime: { outbox: { pollMs: 200, timeoutMs: 5000 } } });
  admin = await enrolledAdmin(portal, 'root', 'Rosa Admin');
  browser = await launchBrowser();
  context = await browser.newContext();
  await context.addCookies([
    { name: 'atrium-portal', value: admin.jar.get(portal.url, 'atrium-portal')!, url: portal.url },
  ]);
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await family?.stop();
  await portal?.stop();
});

describe('the admin screens', () => {
  it('show empty states before anything exists', async () => {
    await open('/admin/libraries');
    await page.getByText('No library yet.').waitFor();
    await shot('libraries-empty');
    await open('/admin/matrix');
    await page.getByText('No library yet: add one').waitFor();
    await shot('matrix-empty');
    expect(await page.getByTestId('admin-name').textContent()).toBe('Rosa Admin');
  });

  it('add a library whose instance joins with the token shown once, then report its health and version', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await open('/admin/libraries');
    await page.getByRole('button', { name: 'Add a library' }).click();
    await page.fill('input[name=name]', 'Family');
    await page.fill('input[name=url]', url);
    await page.getByRole('button', { name: 'Add and show join token' }).click();
    // Stable codes become sentences beside the field they concern.
    await expect
      .poll(() => page.locator('.adm-err').first().textContent())
      .toMatch(/lowercase letters, digits and dashes/i);
    await page.fill('input[name=name]', 'family');
    await page.getByRole('button', { name: 'Add and show join token' }).click();
    const env = (await page.getByTestId('join-env').textContent())!;
    expect(await page.getByTestId('join-command').textContent()).toContain('atrium instance serve');
    await shot('libraries-join-token');
    const token = /NODE_JOIN_TOKEN=(\S+)/.exec(env)![1]!;
    expect(env).toContain(`PUBLIC_URL=${url}`);
    family = await InstanceHarness.start({
      name: 'family',
      portal,
      identity: 'none',
      env: {
        PORT: String(port),
        PUBLIC_URL: url,
        NODE_JOIN_TOKEN: token,
        ATRIUM_SECRET_KEY: randomBytes(32).toString('base64'),
      },
    });
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await expect.poll(() => page.getByTestId('issued').count()).toBe(0);
    await page.getByRole('button', { name: 'Check health now' }).click();
    const row = page.getByTestId('node-family');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('ready');
    expect(await row.textContent()).toContain('0.1.0');
    expect(await row.textContent()).toContain('last seen just now');
    // A generic relying party gets credentials, shown once.
    await page.getByRole('button', { name: 'Add an OIDC client' }).click();
    await page.fill('input[name=name]', 'wiki');
    await page.fill('input[name=url]', 'https://wiki.example.org');
    await page.fill('textarea[name=redirectUris]', 'https://wiki.example.org/oidc/callback');
    await page.getByRole('button', { name: 'Add and show credentials' }).click();
    expect((await page.getByTestId('client-secret').textContent())!.length).toBeGreaterThanOrEqual(43);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await portal.addNode('studio-with-a-rather-long-name-for-the-layout');
    await page.getByRole('button', { name: 'Check health now' }).click();
    await page.getByTestId('node-wiki').waitFor();
    await shot('libraries');
    await atPhoneWidth('/admin/libraries', 'libraries');
  });

  it('create users with validation in place', async () => {
    await open('/admin/users');
    await page.getByText('New user').click();
    await page.fill('input[name=username]', 'Ann Example!');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect
      .poll(() => page.locator('.adm-err').first().textContent())
      .toMatch(/lowercase letters, digits/);
    await shot('users-invalid');
    await page.fill('input[name=username]', 'ann');
    await page.fill('input[name=name]', 'Ann Example');
    await page.fill('input[name=password]', 'correct horse battery staple');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').getByText('Created ann.').waitFor();
    await portal.addUser('bob', { name: 'Bob', groups: ['club'] });
    await portal.addUser('maximilian.alexander-von-langenname@example.org', {
      name: 'Maximilian Alexander von Langenname-Oberhausen zu Sankt Irgendwo',
      email: 'maximilian.alexander-von-langenname@a-very-long-domain.example.org',
      groups: ['cn=photographers-with-long-names,ou=groups,dc=example,dc=org'],
    });
    await open('/admin/users');
    await page.getByRole('button', { name: 'ann' }).waitFor();
    await shot('users');
    await atPhoneWidth('/admin/users', 'users');
    // Without SMTP the invitation's single-use link is shown once, to hand over.
    await page.getByRole('button', { name: 'Invite by email' }).click();
    await page.fill('input[name=inviteEmail]', 'not an address');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect
      .poll(() => page.locator('.adm-err, .adm-alert').first().textContent())
      .toMatch(/email|address/i);
    await page.fill('input[name=inviteEmail]', 'carol@example.org');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    expect(await page.getByTestId('invite-link').textContent()).toMatch(/\/invite\//);
    await shot('users-invited');
    await page.getByRole('button', { name: 'Done' }).click();
    expect((await admin.request('GET', '/api/admin/audit/admin?q=users.invite')).body.items).toEqual([
      expect.objectContaining({ actor: 'root', action: 'users.invite' }),
    ]);
    expect((await admin.request('GET', '/api/admin/audit/admin?q=users.add')).body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'root', action: 'users.add', target: 'ann' }),
      ]),
    );
  });

  it('grant access in the UI: the matrix shows it with its reason, the chooser lists it, the audit has it', async () => {
    await open('/admin/access');
    await page.getByRole('combobox', { name: 'User' }).fill('an');
    await page.getByRole('option', { name: /ann — Ann Example/ }).click();
    await page.getByLabel('Role').first().selectOption('contributor');
    await page.locator('input[name=basePath]').fill('people/{username}');
    await expect.poll(() => page.getByText('For ann: people/ann').count()).toBe(1);
    await page.locator('input[name=uploadPath]').fill('../escape');
    await page.getByRole('button', { name: 'Grant access' }).click();
    await expect
      .poll(() => page.locator('.adm-err').first().textContent())
      .toMatch(/folder inside the library/);
    await page.locator('input[name=uploadPath]').fill('uploads/{username}');
    await page.getByRole('button', { name: 'Grant access' }).click();
    await page.getByText('ann may open family as contributor from their next sign-in.').waitFor();
    await page.getByTestId('grant-ann').waitFor();
    await shot('access');
    await atPhoneWidth('/admin/access', 'access');

    await open('/admin/matrix');
    const cell = page.getByTestId('cell-ann-family');
    await expect.poll(() => cell.textContent()).toBe('contributorby a grant');
    expect(await cell.getAttribute('title')).toBe('base path: people/ann; upload path: uploads/ann');
    expect(await instancesOf('ann')).toEqual([
      expect.objectContaining({ name: 'family', role: 'contributor' }),
    ]);
    const audit = await admin.request('GET', '/api/admin/audit/admin?q=access.grant');
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: 'root', action: 'access.grant', target: 'ann@family' }),
    ]);
  });

  it('admit a group in the UI, and its member opens the library', async () => {
    expect(await instancesOf('bob')).toEqual([]);
    await open('/admin/access');
    await page.getByRole('combobox', { name: 'Group name' }).fill('cl');
    await page.getByRole('option', { name: 'club' }).click();
    await page.locator('select[name=mappingRole]').selectOption('viewer');
    await page.getByRole('button', { name: 'Admit group' }).click();
    await page.getByTestId('mapping-club').waitFor();
    // An LDAP group must be a DN: the form says so when it is not.
    await page.getByLabel(/LDAP \/ Active Directory/).check();
    await page.getByRole('combobox', { name: 'Group DN' }).fill('staff');
    await page.getByRole('button', { name: 'Admit group' }).click();
    await expect.poll(() => page.locator('.adm-err').first().textContent()).toMatch(/an LDAP group is a DN/);
    expect(await instancesOf('bob')).toEqual([expect.objectContaining({ name: 'family', role: 'viewer' })]);
    await open('/admin/matrix');
    await expect.poll(() => page.getByTestId('cell-bob-family').textContent()).toBe('viewerby group club');
    await shot('matrix');
    await atPhoneWidth('/admin/matrix', 'matrix');
    await page.locator('select[name=node]').selectOption('family');
    await page.locator('select[name=role]').selectOption('none');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.fill('input[name=q]', 'nobody-like-this');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No user matches these filters.').waitFor();
    await shot('matrix-no-match');
  });

  it('revoke a grant in the UI: the user’s open session in the library ends within seconds', async () => {
    const jar = await signedInAtFamily('ann');
    expect((await instanceSession(family!, jar)).status).toBe(200);
    await open('/admin/access');
    await confirm('revoke-ann');
    await page.getByText(/Revoked ann’s grant on family/).waitFor();
    expect(await until(async () => (await instanceSession(family!, jar)).status === 401)).toBe(true);
    expect(await instancesOf('ann')).toEqual([]);
  });

  it('end all of a user’s sessions from the Sessions screen: the library signs them out too', async () => {
    const jar = await signedInAtFamily('bob');
    await open('/admin/sessions');
    await page.getByTestId('session-bob').first().waitFor();
    await shot('sessions');
    await atPhoneWidth('/admin/sessions', 'sessions');
    const ref = (await page
      .getByTestId('session-bob')
      .first()
      .locator('[data-testid^=end-all-]')
      .getAttribute('data-testid'))!;
    await confirm(ref);
    await page.getByText('Signed bob out everywhere.').waitFor();
    expect(await until(async () => (await instanceSession(family!, jar)).status === 401)).toBe(true);
    expect((await jar.fetch(`${portal.url}/api/instances`)).status).toBe(401);
  });

  it('show both audits, searchable', async () => {
    await new CookieJar().fetch(`${portal.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.url },
      body: JSON.stringify({ username: 'ann', password: 'wrong password here' }),
    });
    await open('/admin/audit');
    await page.getByText('access.revoke').waitFor();
    await shot('audit-admin');
    await page.getByRole('tab', { name: 'Sign-ins' }).click();
    await page.getByRole('table', { name: 'Sign-ins' }).waitFor();
    await page.fill('input[name=q]', 'ann');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody').textContent()).toContain('bad_password');
    await shot('audit-sign-ins');
    await atPhoneWidth('/admin/audit', 'audit');
  });

  it('rotate and revoke signing keys with a confirmation', async () => {
    await open('/admin/libraries');
    await confirm('rotate-keys');
    await page.getByText('Next keys published').waitFor();
    const before = (await admin.request('GET', '/api/admin/keys')).body.items as {
      kid: string;
      status: string;
    }[];
    const active = before.find((k) => k.status === 'active')!;
    await confirm(`revoke-${active.kid}`);
    await page.getByText(`Revoked ${active.kid}.`).waitFor();
    const after = (await admin.request('GET', '/api/admin/keys')).body.items as {
      kid: string;
      status: string;
    }[];
    expect(after.find((k) => k.kid === active.kid)!.status).toBe('revoked');
    await shot('keys');
  });

  it('are a 404 for a plain user and for an admin without TOTP, and the admin API refuses them', async () => {
    await portal.addUser('pending-admin', { clusterAdmin: true });
    const refused: [string, () => Promise<AdminClient>][] = [
      ['plain user', () => passwordOnly(portal, 'bob')],
      ['admin without TOTP', () => passwordOnly(portal, 'pending-admin')],
    ];
    for (const [who, client] of refused) {
      const caller = await client();
      const other = await browser.newContext();
      await other.addCookies([
        { name: 'atrium-portal', value: caller.jar.get(portal.url, 'atrium-portal')!, url: portal.url },
      ]);
      const p = await other.newPage();
      for (const path of ['/admin', '/admin/users', '/admin/matrix']) {
        const res = await p.goto(`${portal.url}${path}`);
        expect.soft(`${who} ${path} ${res!.status()}`).toBe(`${who} ${path} 404`);
        expect(await p.locator('body').textContent()).not.toContain('cluster admin');
      }
      if (who === 'plain user') await shot('not-found-for-user', p);
      expect((await caller.request('GET', '/api/admin/users')).status).toBe(403);
      await other.close();
    }
    const anonymous = await (await browser.newContext()).newPage();
    expect((await anonymous.goto(`${portal.url}/admin/users`))!.status()).toBe(404);
  });
});
