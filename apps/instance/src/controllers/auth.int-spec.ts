import { SignJWT, importJWK, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, signLogoutToken, BACKCHANNEL_LOGOUT_EVENT } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { InstanceHarness, signedInAt } from '../test/instance.js';
import { PortalHarness } from '../test/portal.js';

let portal: PortalHarness;
let family: InstanceHarness;
let studio: InstanceHarness;
let ann: { id: string };

beforeAll(async () => {
  // Deliveries from the outbox are driven by the tests, one step at a time.
  portal = await PortalHarness.start({ runtime: { outbox: { pollMs: 3_600_000, timeoutMs: 5_000 } } });
  family = await InstanceHarness.start({ name: 'family', portal });
  studio = await InstanceHarness.start({ name: 'studio', portal });
  ann = await portal.addUser('ann', {
    name: 'Ann Example',
    email: 'ann@example.org',
    groups: ['family', 'friends'],
    role: 'viewer',
    webdav: true,
  });
  await portal.grants.grant(
    {
      username: 'ann',
      node: 'family',
      role: 'contributor',
      basePath: 'people/{username}',
      uploadPath: 'uploads/{username}',
    },
    'cli:test',
  );
  await portal.grants.grant({ username: 'ann', node: 'studio', role: 'user' }, 'cli:test');
});

afterAll(async () => {
  await family?.stop();
  await studio?.stop();
  await portal?.stop();
});

/** What the API answers: a session, or `{ error: { code } }`. */
type Body = Record<string, unknown> & { error: { code: string }; role?: string; csrfToken?: string };

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as Body).error.code;
}

async function session(instance: InstanceHarness, jar: CookieJar) {
  const res = await instance.request(jar, '/api/session');
  return { status: res.status, body: (await res.json()) as Body };
}

async function activeKey(): Promise<JWK> {
  return (await portal.keys.signingState()).active.EdDSA as JWK;
}

async function postLogoutToken(instance: InstanceHarness, token: string | undefined) {
  const body = token === undefined ? new URLSearchParams() : new URLSearchParams({ logout_token: token });
  const res = await fetch(`${instance.url}/auth/backchannel-logout`, { method: 'POST', body });
  return {
    status: res.status,
    body: res.status === 200 ? null : ((await res.json()) as Record<string, unknown>),
  };
}

describe('sign-in through the portal', () => {
  it('makes a host-only, HttpOnly, SameSite=Lax session with the access of the ID token', async () => {
    const jar = new CookieJar();
    await portal.signIn(jar, 'ann');
    const login = await jar.fetch(`${family.url}/auth/login?return_to=/albums`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(portal.url);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      scope: 'openid profile email atrium',
      code_challenge_method: 'S256',
      redirect_uri: `${family.url}/auth/callback`,
    });
    for (const name of ['state', 'nonce', 'code_challenge'])
      expect(authorize.searchParams.get(name)?.length).toBeGreaterThanOrEqual(22);

    const done = await family.signIn(jar, '?return_to=/albums');
    expect(done.location.href).toBe(`${family.url}/albums`);
    const { body } = await session(family, jar);
    expect(body).toMatchObject({
      userId: ann.id,
      role: 'contributor',
      groups: ['family', 'friends'],
      basePath: 'people/ann',
      uploadPath: 'uploads/ann',
      webdav: true,
    });
  });

  it('sets the cookie with exactly the attributes of CONTRACTS §2 and a new id at every sign-in', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    const first = jar.get(family.url, family.cookieName)!;
    const set: string[] = [];
    let url = new URL('/auth/login', family.url);
    while (!(url.origin === family.url && !url.pathname.startsWith('/auth/'))) {
      const res = await jar.fetch(url, { redirect: 'manual' });
      await res.body?.cancel();
      set.push(...res.headers.getSetCookie().filter((c) => c.startsWith(`${family.cookieName}=`)));
      url = new URL(res.headers.get('location')!, url);
    }
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(
      new RegExp(`^${family.cookieName}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$`),
    );
    const second = jar.get(family.url, family.cookieName)!;
    expect(second).not.toBe(first);
    const stale = new CookieJar();
    stale.store(new URL(family.url), [`${family.cookieName}=${first}; Path=/`]);
    expect((await session(family, stale)).body.error.code).toBe('ERR_SESSION_EXPIRED');
    expect((await session(family, jar)).status).toBe(200);
  });

  it('records the person as the portal describes them', async () => {
    await signedInAt(family, portal, 'ann');
    const db = family.app.get(DataSource);
    const [row] = await db.query(
      'SELECT username, name, email, role, groups, base_path FROM users WHERE id = $1',
      [ann.id],
    );
    expect(row).toEqual({
      username: 'ann',
      name: 'Ann Example',
      email: 'ann@example.org',
      role: 'contributor',
      groups: ['family', 'friends'],
      base_path: 'people/ann',
    });
  });

  it('answers 401 without a session, and a different code for an ended one', async () => {
    expect((await session(family, new CookieJar())).body.error.code).toBe('ERR_SESSION_REQUIRED');
    const forged = new CookieJar();
    forged.store(new URL(family.url), [`${family.cookieName}=${'x'.repeat(43)}; Path=/`]);
    expect((await session(family, forged)).body.error.code).toBe('ERR_SESSION_EXPIRED');
  });
});

describe('hostile callbacks', () => {
  async function startedLogin(jar: CookieJar) {
    await portal.signIn(jar, 'ann');
    let url = new URL('/auth/login', family.url);
    for (let hop = 0; hop < 12; hop++) {
      const res = await jar.fetch(url, { redirect: 'manual' });
      await res.body?.cancel();
      url = new URL(res.headers.get('location')!, url);
      if (url.origin === family.url) return url;
    }
    throw new Error('no callback');
  }

  it('refuses a state from another browser, a missing state, and a replayed callback', async () => {
    const jar = new CookieJar();
    const callback = await startedLogin(jar);
    const other = new CookieJar();
    const crossBrowser = await other.fetch(callback, { redirect: 'manual' });
    expect(await errorCode(crossBrowser)).toBe('ERR_AUTH_STATE');
    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect(await errorCode(await jar.fetch(noState, { redirect: 'manual' }))).toBe('ERR_AUTH_STATE');
    const first = await jar.fetch(callback, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const login = jar.get(family.url, `${family.cookieName}_login`);
    jar.store(new URL(family.url), [
      `${family.cookieName}_login=${callback.searchParams.get('state')}; Path=/auth/callback`,
    ]);
    const replay = await jar.fetch(callback, { redirect: 'manual' });
    expect(login).toBeUndefined();
    expect(await errorCode(replay)).toBe('ERR_AUTH_STATE');
  });

  it.each([
    ['a wrong nonce', 'nonce'],
    ['a wrong PKCE verifier', 'code_verifier'],
  ])('refuses the code when the pending sign-in holds %s', async (_name, column) => {
    const jar = new CookieJar();
    const callback = await startedLogin(jar);
    await family.app.get(DataSource).query(`UPDATE login_states SET ${column} = $1`, ['A'.repeat(43)]);
    const res = await jar.fetch(callback, { redirect: 'manual' });
    expect(await errorCode(res)).toBe('ERR_AUTH_CALLBACK');
    expect(jar.get(family.url, family.cookieName)).toBeUndefined();
  });

  it('refuses a forged code, and a code with a forged issuer', async () => {
    for (const change of [
      (u: URL) => u.searchParams.set('code', 'forged'),
      (u: URL) => u.searchParams.set('iss', 'https://evil.example'),
    ]) {
      const jar = new CookieJar();
      const callback = await startedLogin(jar);
      change(callback);
      const res = await jar.fetch(callback, { redirect: 'manual' });
      expect(await errorCode(res)).toBe('ERR_AUTH_CALLBACK');
    }
  });

  it('never redirects off the instance after sign-in', async () => {
    const jar = new CookieJar();
    await portal.signIn(jar, 'ann');
    for (const target of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const done = await family.signIn(jar, `?return_to=${encodeURIComponent(target)}`);
      expect(done.location.href).toBe(`${family.url}/`);
    }
  });
});

describe('sign-out', () => {
  it('ends the session, then sends the browser to the portal with the ID token as hint', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    const before = jar.get(family.url, family.cookieName)!;
    const res = await family.request(jar, '/auth/logout', { method: 'POST' });
    expect(res.status).toBe(303);
    const end = new URL(res.headers.get('location')!);
    expect(end.origin + end.pathname).toBe(`${portal.url}/oidc/session/end`);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${family.url}/`);
    expect(end.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect((await session(family, jar)).body.error.code).toBe('ERR_SESSION_REQUIRED');
    const kept = new CookieJar();
    kept.store(new URL(family.url), [`${family.cookieName}=${before}; Path=/`]);
    expect((await session(family, kept)).body.error.code).toBe('ERR_SESSION_EXPIRED');
  });

  it('refuses a cross-site sign-out', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: studio.url },
      {},
      { 'x-csrf-token': 'guess' },
    ] as Record<string, string>[]) {
      const res = await jar.fetch(`${family.url}/auth/logout`, {
        method: 'POST',
        headers,
        redirect: 'manual',
      });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('ERR_CSRF');
    }
    expect((await session(family, jar)).status).toBe(200);
    const { body } = await session(family, jar);
    const byToken = await jar.fetch(`${family.url}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': body.csrfToken! },
      redirect: 'manual',
    });
    expect(byToken.status).toBe(303);
  });
});

describe('back-channel logout', () => {
  it('ends the session when the portal revokes access, and the next sign-in is refused', async () => {
    await portal.addUser('bob');
    await portal.grants.grant({ username: 'bob', node: 'family', role: 'user' }, 'cli:test');
    const jar = await signedInAt(family, portal, 'bob');
    await portal.grants.revoke({ username: 'bob', node: 'family' }, 'cli:test');
    expect((await session(family, jar)).status).toBe(200);
    expect(await portal.outbox.deliverDue()).toBeGreaterThanOrEqual(1);
    expect((await session(family, jar)).body.error.code).toBe('ERR_SESSION_EXPIRED');
    const again = await family.signIn(jar, '?prompt=none');
    expect(again.location.searchParams.get('signin')).toBe('denied');
  });

  it('applies a lowered role at the next request after the logout token', async () => {
    await portal.addUser('cleo');
    await portal.grants.grant({ username: 'cleo', node: 'family', role: 'manager' }, 'cli:test');
    const jar = await signedInAt(family, portal, 'cleo');
    expect((await session(family, jar)).body.role).toBe('manager');
    await portal.grants.grant({ username: 'cleo', node: 'family', role: 'guest' }, 'cli:test');
    await portal.outbox.deliverDue();
    expect((await session(family, jar)).body.error.code).toBe('ERR_SESSION_EXPIRED');
    const silent = await family.signIn(jar, '?prompt=none&return_to=/timeline');
    expect(silent.location.href).toBe(`${family.url}/timeline`);
    expect((await session(family, jar)).body.role).toBe('guest');
  });

  it('ends one portal session by sid and leaves the others', async () => {
    const one = await signedInAt(family, portal, 'ann');
    const two = await signedInAt(family, portal, 'ann');
    const [row] = await family.app
      .get(DataSource)
      .query('SELECT portal_sid FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1', [ann.id]);
    const token = await signLogoutToken(await activeKey(), {
      issuer: portal.url,
      audience: family.config.clientId!,
      sid: row.portal_sid,
    });
    expect((await postLogoutToken(family, token)).status).toBe(200);
    expect((await session(family, two)).status).toBe(401);
    expect((await session(family, one)).status).toBe(200);
  });

  describe('hostile logout tokens', () => {
    let jar: CookieJar;

    beforeAll(async () => {
      jar = await signedInAt(family, portal, 'ann');
    });

    async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key?: JWK) {
      const jwk = key ?? (await activeKey());
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: portal.url,
        aud: family.config.clientId,
        iat: now,
        exp: now + 60,
        jti: crypto.randomUUID(),
        sub: ann.id,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        ...claims,
      };
      return new SignJWT(Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)))
        .setProtectedHeader({ alg: jwk.alg!, kid: jwk.kid, typ: 'logout+jwt', ...header })
        .sign(await importJWK(jwk, jwk.alg));
    }

    it.each<[string, Record<string, unknown>]>([
      ['another issuer', { iss: 'https://evil.example' }],
      ['another audience', { aud: 'someone-else' }],
      ['two audiences', { aud: ['x', 'y'] }],
      ['no events', { events: undefined }],
      ['the wrong event', { events: { 'http://schemas.openid.net/event/other': {} } }],
      ['a nonce', { nonce: 'n' }],
      ['neither sid nor sub', { sub: undefined }],
      ['no jti', { jti: undefined }],
      [
        'an expiry in the past',
        { iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 },
      ],
      ['a lifetime over 2 minutes', { exp: Math.floor(Date.now() / 1000) + 3600 }],
    ])('refuses a token with %s', async (_name, claims) => {
      const result = await postLogoutToken(family, await signed(claims));
      expect(result).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect((await session(family, jar)).status).toBe(200);
    });

    it('refuses a wrong typ, a foreign key under a known kid, an embedded jwk, and the unpinned algorithm', async () => {
      const own = await activeKey();
      const foreign = { ...(await generateSigningJwk('EdDSA')), kid: own.kid } as JWK;
      const rsa = (await portal.keys.signingState()).active.RS256 as JWK;
      const { d: _d, ...publicForeign } = foreign;
      const tokens = [
        await signed({}, { typ: 'JWT' }),
        await signed({}, {}, foreign),
        await signed({}, { jwk: publicForeign }, foreign),
        await signed({}, {}, rsa),
        `${Buffer.from('{"alg":"none","typ":"logout+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: portal.url })).toString('base64url')}.`,
        'not-a-jwt',
        `${'a'.repeat(30_000)}.${'b'.repeat(30_000)}.c`,
      ];
      for (const token of tokens) expect((await postLogoutToken(family, token)).status).toBe(400);
      expect((await postLogoutToken(family, 'a'.repeat(70_000))).status).toBe(413);
      expect((await postLogoutToken(family, undefined)).status).toBe(400);
      expect((await session(family, jar)).status).toBe(200);
    });

    it('refuses a token made for another instance, and a replayed one', async () => {
      const forStudio = await signLogoutToken(await activeKey(), {
        issuer: portal.url,
        audience: studio.config.clientId!,
        subject: ann.id,
      });
      expect((await postLogoutToken(family, forStudio)).status).toBe(400);
      expect((await session(family, jar)).status).toBe(200);
      const valid = await signLogoutToken(await activeKey(), {
        issuer: portal.url,
        audience: family.config.clientId!,
        subject: ann.id,
        jti: 'once',
      });
      expect((await postLogoutToken(family, valid)).status).toBe(200);
      expect((await session(family, jar)).status).toBe(401);
      expect((await postLogoutToken(family, valid)).status).toBe(400);
    });
  });
});

describe('the pinned algorithm', () => {
  it('refuses ID tokens signed with another algorithm than the node registered, and takes the pinned one', async () => {
    const mismatched = await InstanceHarness.start({ name: 'club', portal, registeredAlg: 'RS256' });
    const pinned = await InstanceHarness.start({
      name: 'band',
      portal,
      registeredAlg: 'RS256',
      env: { NODE_ID_TOKEN_ALG: 'RS256' },
    });
    try {
      for (const node of ['club', 'band'])
        await portal.grants.grant({ username: 'ann', node, role: 'viewer' }, 'cli:test');
      const jar = new CookieJar();
      await portal.signIn(jar, 'ann');
      let url = new URL('/auth/login', mismatched.url);
      for (
        let hop = 0;
        hop < 12 && !(url.origin === mismatched.url && url.pathname === '/auth/callback');
        hop++
      ) {
        const res = await jar.fetch(url, { redirect: 'manual' });
        await res.body?.cancel();
        url = new URL(res.headers.get('location')!, url);
      }
      expect(await errorCode(await jar.fetch(url, { redirect: 'manual' }))).toBe('ERR_AUTH_CALLBACK');
      const done = await pinned.signIn(jar);
      expect(done.location.href).toBe(`${pinned.url}/`);
      expect((await session(pinned, jar)).body.role).toBe('viewer');
    } finally {
      await mismatched.stop();
      await pinned.stop();
    }
  });
});

describe('isolation between instances', () => {
  it('refuses a session cookie made for another instance', async () => {
    const jar = await signedInAt(studio, portal, 'ann');
    const value = jar.get(studio.url, studio.cookieName)!;
    const moved = new CookieJar();
    moved.store(new URL(family.url), [`${family.cookieName}=${value}; Path=/`]);
    expect((await session(family, moved)).body.error.code).toBe('ERR_SESSION_EXPIRED');
    expect((await session(studio, jar)).status).toBe(200);
  });

  it('refuses a state-changing request from a sibling instance', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    const res = await jar.fetch(`${family.url}/auth/logout`, {
      method: 'POST',
      headers: { origin: studio.url },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
  });
});

describe('lifetimes', () => {
  it('ends an idle session after the idle timeout and signs in again silently', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    family.clock.advance(family.config.sessionIdleMs + 1000);
    try {
      expect((await session(family, jar)).body.error.code).toBe('ERR_SESSION_EXPIRED');
      const silent = await family.signIn(jar, '?prompt=none');
      expect(silent.location.href).toBe(`${family.url}/`);
      expect((await session(family, jar)).status).toBe(200);
    } finally {
      family.clock.offsetMs = 0;
    }
  });

  it('ends a busy session at its absolute lifetime', async () => {
    const jar = await signedInAt(family, portal, 'ann');
    const step = family.config.sessionIdleMs / 2;
    try {
      for (let t = 0; t + step < family.config.sessionMaxAgeMs; t += step) {
        family.clock.advance(step);
        expect((await session(family, jar)).status).toBe(200);
      }
      family.clock.advance(step);
      expect((await session(family, jar)).body.error.code).toBe('ERR_SESSION_EXPIRED');
    } finally {
      family.clock.offsetMs = 0;
    }
  });

  it('lands on the sign-in page when the silent sign-in finds no portal session', async () => {
    const jar = new CookieJar();
    const done = await family.signIn(jar, '?prompt=none&return_to=/x');
    expect(done.location.pathname).toBe('/');
    expect(Object.fromEntries(done.location.searchParams)).toEqual({ signin: 'required', return_to: '/x' });
  });
});
