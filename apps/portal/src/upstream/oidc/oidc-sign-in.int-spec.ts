import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, startOidcProvider, type TestOidcProvider } from '@atrium/testing';
import { LoginAuditService } from '../../services/login-audit.service.js';
import { MaintenanceService } from '../../services/maintenance.service.js';
import { SessionAdminService } from '../../services/session-admin.service.js';
import { PortalHarness } from '../../test/harness.js';

let idp: TestOidcProvider;
let other: TestOidcProvider;
let portal: PortalHarness;
let logins: LoginAuditService;

const SECRET = 'a client secret of the portal at the IdP';

beforeAll(async () => {
  [idp, other] = await Promise.all([
    startOidcProvider({
      groupsClaim: 'roles',
      users: [
        {
          sub: 'sub-ann',
          username: 'ann',
          password: 'ann-pass',
          name: 'Ann Example',
          email: 'ann@corp.example',
          groups: ['photographers', 'staff'],
        },
        { sub: 'sub-bob', username: 'bob', password: 'bob-pass', email: 'admin@corp.example' },
        { sub: 'sub-cy', username: 'cy', password: 'cy-pass', groups: ['photographers'] },
      ],
    }),
    startOidcProvider({
      users: [{ sub: 'sub-ann', username: 'ann', password: 'other-pass', groups: ['family'] }],
    }),
  ]);
  portal = await PortalHarness.start({
    env: {
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'corp',
          name: 'Corp SSO',
          issuer: idp.issuer,
          clientId: 'atrium',
          clientSecret: SECRET,
          groupsClaim: 'roles',
        },
        {
          id: 'club',
          name: 'Club',
          issuer: other.issuer,
          clientId: 'atrium-club',
          clientSecret: SECRET,
          createAccounts: false,
        },
        // Discovery names the issuer without the trailing slash: never trusted.
        { id: 'broken', name: 'Broken', issuer: `${idp.issuer}/`, clientId: 'atrium', clientSecret: SECRET },
      ]),
    },
  });
  logins = portal.app.get(LoginAuditService);
  await idp.addClient({
    client_id: 'atrium',
    client_secret: SECRET,
    redirect_uris: [`${portal.url}/auth/oidc/corp/callback`],
  });
  await other.addClient({
    client_id: 'atrium-club',
    client_secret: SECRET,
    redirect_uris: [`${portal.url}/auth/oidc/club/callback`],
  });
  await portal.addNode('family');
  await portal.addNode('studio');
  await portal.addNode('club');
  await portal.grants.allowGroup({ node: 'studio', group: 'photographers', role: 'contributor' }, 'cli:test');
  await portal.grants.allowGroup({ node: 'club', group: 'family', role: 'viewer' }, 'cli:test');
  // A local cluster admin whose email an upstream user shares.
  await portal.addUser('admin', { email: 'admin@corp.example', clusterAdmin: true });
}, 60_000);

afterAll(async () => {
  await portal?.stop();
  await Promise.all([idp?.stop(), other?.stop()]);
});

/** Starts at the portal, signs in at the IdP; resolves to the portal's callback URL with code and state. */
async function throughIdp(
  jar: CookieJar,
  provider: TestOidcProvider,
  id: string,
  username: string,
  password: string,
  query = '',
) {
  const start = await jar.fetch(`${portal.url}/auth/oidc/${id}${query}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(provider.issuer);
  return { authorize, callback: await provider.login(authorize, { username, password, jar }) };
}

async function finish(jar: CookieJar, callback: URL) {
  const res = await jar.fetch(callback, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

async function signInWith(provider: TestOidcProvider, id: string, username: string, password: string) {
  const jar = new CookieJar();
  const { callback } = await throughIdp(jar, provider, id, username, password);
  return { jar, callback, ...(await finish(jar, callback)) };
}

async function session(jar: CookieJar) {
  return (await (await jar.fetch(`${portal.url}/api/session`)).json()) as Record<string, unknown>;
}

async function chooser(jar: CookieJar) {
  const body = (await (await jar.fetch(`${portal.url}/api/instances`)).json()) as {
    instances: { name: string; role: string }[];
  };
  return body.instances.map((i) => `${i.name}:${i.role}`).sort();
}

const lastAudit = async (provider: string) => (await logins.list({ provider, limit: 1 })).entries[0];

describe('organization OIDC sign-in', () => {
  it('asks the provider with state, nonce and PKCE S256, for the configured scopes', async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${portal.url}/auth/oidc/corp`, { redirect: 'manual' });
    const url = new URL(start.headers.get('location')!);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'atrium',
      redirect_uri: `${portal.url}/auth/oidc/corp/callback`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.any(String),
    });
    expect(start.headers.getSetCookie().join(';')).toMatch(/atrium-oidc-binding=.*HttpOnly/i);
  });

  it('signs in with groups from a renamed claim, amr fed, and the chooser opens what the mapping says', async () => {
    const { jar, status, location } = await signInWith(idp, 'corp', 'ann', 'ann-pass');
    expect([status, location]).toEqual([303, '/chooser']);
    expect(await session(jar)).toMatchObject({
      signedIn: true,
      username: 'ann@corp',
      name: 'Ann Example',
      clusterAdmin: false,
    });
    expect(await chooser(jar)).toEqual(['studio:contributor']);
    const { account, groups } = await portal.accounts.show('ann@corp');
    expect(account).toMatchObject({
      authProvider: 'oidc',
      authIssuer: idp.issuer,
      authId: 'sub-ann',
      accountRole: 'guest',
      email: 'ann@corp.example',
    });
    expect(groups.sort()).toEqual(['photographers', 'staff']);
    expect(await lastAudit('corp')).toMatchObject({
      method: 'oidc',
      result: 'success',
      reason: null,
      username: 'ann@corp',
    });
    const sessions = await portal.app.get(SessionAdminService).list('ann@corp');
    expect(sessions[0]).toMatchObject({ amr: ['fed'] });
  });

  it('refreshes groups at every sign-in: a group removed at the IdP closes its instance', async () => {
    idp.addUser({ sub: 'sub-cy', username: 'cy', password: 'cy-pass', groups: ['photographers'] });
    const first = await signInWith(idp, 'corp', 'cy', 'cy-pass');
    expect(await chooser(first.jar)).toEqual(['studio:contributor']);
    idp.addUser({
      sub: 'sub-cy',
      username: 'cy',
      password: 'cy-pass',
      groups: 'staff' as unknown as string[],
    });
    const second = await signInWith(idp, 'corp', 'cy', 'cy-pass');
    expect(await chooser(second.jar)).toEqual([]);
    expect((await portal.accounts.show('cy@corp')).groups).toEqual(['staff']);
  });

  it('notes a provider that sends no groups claim, and keeps the account without groups', async () => {
    const { jar, status } = await signInWith(idp, 'corp', 'bob', 'bob-pass');
    expect(status).toBe(303);
    expect(await chooser(jar)).toEqual([]);
    expect(await lastAudit('corp')).toMatchObject({ result: 'success', reason: 'oidc_no_groups_claim' });
  });

  it('keeps an upstream user whose email is a local admin’s in a separate account, never cluster admin', async () => {
    const bob = await portal.accounts.show('bob@corp');
    const admin = await portal.accounts.show('admin');
    expect(bob.account.id).not.toBe(admin.account.id);
    expect(bob.account).toMatchObject({
      email: 'admin@corp.example',
      clusterAdmin: false,
      authProvider: 'oidc',
    });
    expect(admin.account).toMatchObject({ authProvider: 'local', clusterAdmin: true, authId: null });
  });

  it('links by (issuer, sub): the same sub at another provider is someone else', async () => {
    await portal.addUser('ann-club', {
      password: null,
      authProvider: 'oidc',
      authId: `${other.issuer}#sub-ann`,
    });
    const { jar, status } = await signInWith(other, 'club', 'ann', 'other-pass');
    expect(status).toBe(303);
    expect(await session(jar)).toMatchObject({ username: 'ann-club' });
    expect(await chooser(jar)).toEqual(['club:viewer']);
    expect((await portal.accounts.show('ann@corp')).groups).not.toContain('family');
  });

  it('sends someone without an account at a createAccounts:false provider to ask an admin', async () => {
    other.addUser({ sub: 'sub-new', username: 'newcomer', password: 'new-pass' });
    const { status, body } = await signInWith(other, 'club', 'newcomer', 'new-pass');
    expect(status).toBe(403);
    expect(body).toMatch(/Ask an admin of this Atrium cluster/);
    expect(await lastAudit('club')).toMatchObject({
      result: 'failure',
      reason: 'oidc_account_creation_disabled',
    });
  });

  it('signs out at the provider too, through its end_session_endpoint', async () => {
    const { jar } = await signInWith(idp, 'corp', 'ann', 'ann-pass');
    const { csrfToken } = (await session(jar)) as { csrfToken: string };
    const res = await jar.fetch(`${portal.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.url, 'x-csrf-token': csrfToken },
      body: '{}',
    });
    const { redirect } = (await res.json()) as { redirect: string };
    const url = new URL(redirect);
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'atrium',
      post_logout_redirect_uri: `${portal.url}/signin`,
    });
    expect(await session(jar)).toMatchObject({ signedIn: false });
    // The provider knows the endpoint and the client: it asks its user to confirm the sign-out.
    url.searchParams.delete('post_logout_redirect_uri');
    const end = await jar.fetch(url, { redirect: 'manual' });
    expect(end.status).toBe(200);
  });

  it('refuses a replayed state', async () => {
    const { callback, status } = await signInWith(idp, 'corp', 'ann', 'ann-pass');
    expect(status).toBe(303);
    const again = await finish(new CookieJar(), callback);
    expect(again.status).toBe(400);
    expect(again.body).toMatch(/already used/);
    expect(await lastAudit('corp')).toMatchObject({ result: 'failure', reason: 'oidc_state_mismatch' });
  });

  it('refuses an answer delivered to another browser than the one that started', async () => {
    const jar = new CookieJar();
    const { callback } = await throughIdp(jar, idp, 'corp', 'ann', 'ann-pass');
    const stranger = await finish(new CookieJar(), callback);
    expect(stranger.status).toBe(400);
    expect(await lastAudit('corp')).toMatchObject({ reason: 'oidc_state_mismatch' });
  });

  const hostile: [string, TestOidcProvider['tamper'], string][] = [
    ['signed with a key not in its JWKS', { signature: 'unknown-kid' }, 'oidc_bad_signature'],
    ['signed with another key under its kid', { signature: 'foreign-key' }, 'oidc_bad_signature'],
    ['for another audience', { claims: (c) => ({ ...c, aud: 'someone-else' }) }, 'oidc_wrong_audience'],
    [
      'with another audience beside ours',
      { claims: (c) => ({ ...c, aud: ['atrium', 'x'] }) },
      'oidc_wrong_audience',
    ],
    ['without a nonce', { claims: ({ nonce: _nonce, ...c }) => c }, 'oidc_nonce_mismatch'],
    ['with another sign-in’s nonce', { claims: (c) => ({ ...c, nonce: 'stolen' }) }, 'oidc_nonce_mismatch'],
    ['from another issuer', { claims: (c) => ({ ...c, iss: 'https://evil.example' }) }, 'oidc_wrong_issuer'],
    [
      'expired',
      { claims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 600 }) },
      'oidc_token_expired',
    ],
  ];
  for (const [name, tamper, reason] of hostile) {
    it(`refuses an ID token ${name} (${reason})`, async () => {
      idp.tamper = tamper;
      try {
        const { status, body, jar } = await signInWith(idp, 'corp', 'ann', 'ann-pass');
        expect(status).toBe(401);
        expect(body).toContain(reason);
        expect(body).not.toMatch(/at .*\.js:\d+/);
        expect(await session(jar)).toMatchObject({ signedIn: false });
        expect(await lastAudit('corp')).toMatchObject({ method: 'oidc', result: 'failure', reason });
      } finally {
        idp.tamper = undefined;
      }
    });
  }

  it('returns to the instance sign-in it interrupted', async () => {
    const jar = new CookieJar();
    const { callback } = await throughIdp(jar, idp, 'corp', 'ann', 'ann-pass', '?interaction=AbC-123_x');
    const done = await finish(jar, callback);
    expect([done.status, done.location]).toEqual([303, '/interaction/AbC-123_x']);
  });

  it('refuses a provider whose discovery names another issuer, and says it cannot be reached', async () => {
    const res = await fetch(`${portal.url}/auth/oidc/broken`, { redirect: 'manual' });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/Broken cannot be reached right now/);
    expect(await lastAudit('broken')).toMatchObject({
      result: 'failure',
      reason: 'oidc_provider_unavailable',
    });
  });

  it('refuses an answer after the state expired, and sweeps unanswered states', async () => {
    const jar = new CookieJar();
    const { callback } = await throughIdp(jar, idp, 'corp', 'ann', 'ann-pass');
    const abandoned = new CookieJar();
    await throughIdp(abandoned, idp, 'corp', 'ann', 'ann-pass');
    portal.clock.advance(11 * 60_000);
    try {
      const late = await finish(jar, callback);
      expect(late.status).toBe(400);
      expect(await lastAudit('corp')).toMatchObject({ reason: 'oidc_state_mismatch' });
      await portal.app.get(MaintenanceService).sweep();
      const [{ count }] = (await portal.app
        .get(DataSource)
        .query('SELECT count(*) FROM upstream_oidc_states')) as { count: string }[];
      expect(count).toBe('0');
    } finally {
      portal.clock.advance(-11 * 60_000);
    }
  });

  it('records a sign-in cancelled at the provider', async () => {
    const jar = new CookieJar();
    const { authorize } = await throughIdp(jar, idp, 'corp', 'ann', 'ann-pass');
    const state = authorize.searchParams.get('state')!;
    const res = await finish(
      jar,
      new URL(`${portal.url}/auth/oidc/corp/callback?error=access_denied&state=${state}`),
    );
    expect(res.status).toBe(401);
    expect(await lastAudit('corp')).toMatchObject({ reason: 'oidc_access_denied' });
  });

  it('answers bad input with a 4xx and a clear message', async () => {
    const cases: [string, number, RegExp][] = [
      ['/auth/oidc/nowhere', 404, /no sign-in provider named .*nowhere/],
      ['/auth/oidc/nowhere/callback?code=x&state=y', 404, /no sign-in provider/],
      ['/auth/oidc/corp/callback', 400, /only reached from Corp SSO/],
      ['/auth/oidc/corp/callback?code=', 400, /only reached from/],
      ['/auth/oidc/corp?interaction=../../etc', 400, /interaction/],
      ['/auth/oidc/corp/callback?code=abc&state=forged', 400, /start again/],
      [`/auth/oidc/corp/callback?code=abc&state=${'x'.repeat(500)}`, 400, /start again/],
    ];
    for (const [path, status, message] of cases) {
      const res = await fetch(`${portal.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(status);
      expect(await res.text(), path).toMatch(message);
    }
  });

  it('lists the providers for the sign-in page', async () => {
    const res = await fetch(`${portal.url}/api/auth/methods`);
    expect(await res.json()).toEqual({
      providers: [
        { id: 'corp', name: 'Corp SSO', url: '/auth/oidc/corp' },
        { id: 'club', name: 'Club', url: '/auth/oidc/club' },
        { id: 'broken', name: 'Broken', url: '/auth/oidc/broken' },
      ],
      directory: false,
    });
  });
});
