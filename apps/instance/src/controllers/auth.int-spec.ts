import { CookieJar } from '@atrium/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, session, startAuthWorld, type AuthWorld } from '../test/auth.js';
import { InstanceHarness, signedInAt } from '../test/instance.js';

let world: AuthWorld;
let portal: AuthWorld['portal'];
let family: InstanceHarness;
let studio: InstanceHarness;
let ann: AuthWorld['ann'];

beforeAll(async () => {
  world = await startAuthWorld();
  ({ portal, family, studio, ann } = world);
});

afterAll(async () => {
  await world?.stop();
});

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

  it('sets the cookie with exactly the attributes of docs/contracts.md §2 and a new id at every sign-in', async () => {
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
    for (const target of [
      '//evil.example/',
      'https://evil.example/',
      '/\\evil.example',
      // Dot segments that the URL parser removes, leaving a protocol-relative `//evil.example`.
      '/.//evil.example',
      '/..//evil.example/x',
      '/%2e//evil.example',
      '/a/..//evil.example',
    ]) {
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

// Nest's default (abortOnError) calls process.exit(1) on such a failure, which killed the vitest
// worker running a whole file of browser tests under load (issue 10); the apps throw instead.
describe('failures inside the Nest app', () => {
  it('are thrown to the caller, never end the process', () => {
    class NeverProvided {}
    expect(() => family.app.get(NeverProvided)).toThrow(/NeverProvided/);
    expect(() => portal.app.get(NeverProvided)).toThrow(/NeverProvided/);
  });
});
