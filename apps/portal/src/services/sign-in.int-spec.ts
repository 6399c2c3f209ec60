import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { PASSWORD, PortalHarness, signedIn } from '../test/harness.js';
import { SetupService } from './setup.service.js';

let portal: PortalHarness;

beforeAll(async () => {
  portal = await PortalHarness.start();
});

afterAll(async () => {
  await portal?.stop();
});

/** The fields the tests read from the portal's JSON answers. */
interface Body {
  next: string;
  csrfToken: string;
  secret: string;
  uri: string;
  recoveryCodes: string[];
  error: { code: string; details: { retryAfter: number; field: string } };
}

async function call(
  jar: CookieJar,
  method: string,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
) {
  const res = await jar.fetch(`${portal.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: portal.url, ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as Body,
    setCookie: res.headers.getSetCookie(),
  };
}

async function csrf(jar: CookieJar): Promise<string> {
  return (await call(jar, 'GET', '/api/session')).body.csrfToken;
}

/** Enrols TOTP for a signed-in browser; returns the secret and the recovery codes. */
async function enrol(jar: CookieJar): Promise<{ secret: string; recoveryCodes: string[] }> {
  const token = await csrf(jar);
  const started = await call(jar, 'POST', '/api/auth/totp/enrol', undefined, { 'x-csrf-token': token });
  expect(started.body.uri).toMatch(/^otpauth:\/\/totp\//);
  const confirmed = await call(
    jar,
    'POST',
    '/api/auth/totp/confirm',
    { code: await generateTotpCode(started.body.secret, portal.clock.now()) },
    { 'x-csrf-token': token },
  );
  expect(confirmed.status).toBe(200);
  return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
}

describe('password sign-in', () => {
  beforeAll(async () => {
    await portal.addUser('ann');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie and reports the session', async () => {
    const jar = new CookieJar();
    const result = await call(jar, 'POST', '/api/auth/password', { username: 'Ann', password: PASSWORD });
    expect(result).toMatchObject({ status: 200, body: { next: 'done' } });
    const cookie = result.setCookie.find((c) => c.startsWith('atrium-portal='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect((await call(jar, 'GET', '/api/session')).body).toMatchObject({
      signedIn: true,
      stage: 'full',
      username: 'ann',
    });
  });

  it('answers a wrong password and an unknown user alike', async () => {
    for (const [username, password] of [
      ['ann', 'wrong password'],
      ['nobody', PASSWORD],
      ['', PASSWORD],
    ]) {
      const result = await call(new CookieJar(), 'POST', '/api/auth/password', { username, password });
      expect(result.status).toBe(username ? 401 : 400);
      if (username) expect(result.body.error.code).toBe('ERR_BAD_CREDENTIALS');
      expect(result.setCookie.some((c) => c.startsWith('atrium-portal='))).toBe(false);
    }
  });

  it('refuses state-changing requests from another origin or without one', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: '' }]) {
      const result = await call(
        new CookieJar(),
        'POST',
        '/api/auth/password',
        { username: 'ann', password: PASSWORD },
        headers,
      );
      expect(result).toMatchObject({ status: 403, body: { error: { code: 'ERR_CSRF' } } });
    }
    const noOrigin = await fetch(`${portal.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ann', password: PASSWORD }),
    });
    expect(noOrigin.status).toBe(403);
  });

  it('requires the session CSRF token for signed-in actions', async () => {
    const jar = await signedIn(portal, 'ann');
    expect((await call(jar, 'POST', '/api/auth/logout')).body.error.code).toBe('ERR_CSRF');
    expect(
      (await call(jar, 'POST', '/api/auth/logout', undefined, { 'x-csrf-token': 'guess' })).body.error.code,
    ).toBe('ERR_CSRF');
    expect(
      (await call(jar, 'POST', '/api/auth/logout', undefined, { 'x-csrf-token': await csrf(jar) })).status,
    ).toBe(200);
    expect((await call(jar, 'GET', '/api/session')).body).toEqual({ signedIn: false });
  });

  it('answers a username with a NUL byte as bad input, not as a server error', async () => {
    for (const username of ['an\u0000n', '\u0000']) {
      const result = await call(new CookieJar(), 'POST', '/api/auth/password', {
        username,
        password: PASSWORD,
      });
      expect(result).toMatchObject({ status: 400, body: { error: { code: 'ERR_BAD_REQUEST' } } });
    }
  });

  it('treats a cookie that is not a plain token (cookie-parser JSON `j:` values) as no session', async () => {
    for (const value of ['j:{"a":1}', 'j:[1,2]', 'j:5', 'j:null']) {
      const headers = { cookie: `atrium-portal=${encodeURIComponent(value)}` };
      const session = await fetch(`${portal.url}/api/session`, { headers });
      expect(session.status).toBe(200);
      expect(await session.json()).toEqual({ signedIn: false });
      const instances = await fetch(`${portal.url}/api/instances`, { headers });
      expect(instances.status).toBe(401);
    }
  });

  it('throttles an account after repeated failures, before checking the password', async () => {
    await portal.addUser('tom');
    for (let i = 0; i < 5; i++)
      expect(
        (
          await call(new CookieJar(), 'POST', '/api/auth/password', {
            username: 'tom',
            password: 'nope nope',
          })
        ).status,
      ).toBe(401);
    expect(
      (await call(new CookieJar(), 'POST', '/api/auth/password', { username: 'tom', password: 'nope nope' }))
        .status,
    ).toBe(401);
    const blocked = await call(new CookieJar(), 'POST', '/api/auth/password', {
      username: 'tom',
      password: PASSWORD,
    });
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'ERR_THROTTLED' } } });
    expect(blocked.body.error.details.retryAfter).toBeGreaterThan(0);
    portal.clock.advance(5_000);
    expect(
      (await call(new CookieJar(), 'POST', '/api/auth/password', { username: 'tom', password: PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('lets no more parallel wrong passwords be judged than sequential ones (5 free, then the one that blocks)', async () => {
    await portal.addUser('pam');
    // The sixth failure blocks for one second: on a loaded machine the burst may take longer.
    portal.clock.freeze();
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        call(new CookieJar(), 'POST', '/api/auth/password', { username: 'pam', password: 'nope nope' }),
      ),
    ).finally(() => portal.clock.thaw());
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(24);
    // The refused ones were not counted on the address: a correct password elsewhere still passes.
    expect(
      (await call(new CookieJar(), 'POST', '/api/auth/password', { username: 'ann', password: PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('lets a burst of good sign-ins from one address through (more than its limit of failures)', async () => {
    const usernames = Array.from({ length: 50 }, (_, i) => `office${i}`);
    for (const username of usernames) await portal.addUser(username);
    const results = await Promise.all(
      usernames.map((username) =>
        call(new CookieJar(), 'POST', '/api/auth/password', { username, password: PASSWORD }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(usernames.map(() => 200));
  });
});

describe('TOTP', () => {
  let secret: string;
  let recoveryCodes: string[];

  beforeAll(async () => {
    await portal.addUser('tina');
    ({ secret, recoveryCodes } = await enrol(await signedIn(portal, 'tina')));
    expect(recoveryCodes).toHaveLength(10);
  });

  it('keeps a session half signed in until the code, with a new session id at each step', async () => {
    const jar = new CookieJar();
    const first = await call(jar, 'POST', '/api/auth/password', { username: 'tina', password: PASSWORD });
    expect(first.body.next).toBe('totp');
    const halfCookie = jar.get(portal.url, 'atrium-portal');
    expect((await call(jar, 'GET', '/api/instances')).body.error.code).toBe('ERR_SESSION_STAGE');
    expect((await call(jar, 'GET', '/api/session')).body).toMatchObject({
      signedIn: false,
      stage: 'password',
    });
    const token = first.body.csrfToken;
    expect(
      (await call(jar, 'POST', '/api/auth/totp', { code: '000000' }, { 'x-csrf-token': token })).body.error
        .code,
    ).toBe('ERR_TOTP_INVALID');
    portal.clock.advance(31_000);
    const done = await call(
      jar,
      'POST',
      '/api/auth/totp',
      { code: await generateTotpCode(secret, portal.clock.now()) },
      { 'x-csrf-token': token },
    );
    expect(done).toMatchObject({ status: 200, body: { next: 'done' } });
    expect(jar.get(portal.url, 'atrium-portal')).not.toBe(halfCookie);
    expect((await call(jar, 'GET', '/api/instances')).status).toBe(200);
  });

  it('accepts a code once', async () => {
    portal.clock.advance(31_000);
    const code = await generateTotpCode(secret, portal.clock.now());
    const results = [];
    for (let i = 0; i < 2; i++) {
      const jar = new CookieJar();
      const step = await call(jar, 'POST', '/api/auth/password', { username: 'tina', password: PASSWORD });
      results.push(
        (await call(jar, 'POST', '/api/auth/totp', { code }, { 'x-csrf-token': step.body.csrfToken })).status,
      );
    }
    expect(results).toEqual([200, 401]);
  });

  it('spends a recovery code once', async () => {
    const statuses = [];
    for (let i = 0; i < 2; i++) {
      const jar = new CookieJar();
      const step = await call(jar, 'POST', '/api/auth/password', { username: 'tina', password: PASSWORD });
      statuses.push(
        (
          await call(
            jar,
            'POST',
            '/api/auth/recovery',
            { code: recoveryCodes[0]!.toUpperCase() },
            { 'x-csrf-token': step.body.csrfToken },
          )
        ).status,
      );
    }
    expect(statuses).toEqual([200, 401]);
  });

  it('keeps counting wrong codes across password sign-ins: a known password buys no fresh guesses', async () => {
    await portal.addUser('tess');
    const enrolled = await enrol(await signedIn(portal, 'tess'));
    const passwordStep = async () => {
      const jar = new CookieJar();
      const step = await call(jar, 'POST', '/api/auth/password', { username: 'tess', password: PASSWORD });
      expect(step.status).toBe(200);
      return (code: string) =>
        call(jar, 'POST', '/api/auth/totp', { code }, { 'x-csrf-token': step.body.csrfToken });
    };
    const first = await passwordStep();
    for (let i = 0; i < 5; i++) expect((await first('000000')).status).toBe(401);
    const second = await passwordStep();
    expect((await second('000000')).status).toBe(401);
    // The next step's code, which would pass (±1 step) were the account not throttled.
    const blocked = await second(
      await generateTotpCode(enrolled.secret, new Date(portal.clock.now().getTime() + 30_000)),
    );
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'ERR_THROTTLED' } } });
    const recovery = await call(new CookieJar(), 'POST', '/api/auth/password', {
      username: 'tess',
      password: PASSWORD,
    });
    expect(recovery.status).toBe(200);
  });

  it('lets no more parallel wrong codes be judged than sequential ones', async () => {
    await portal.addUser('tara');
    await enrol(await signedIn(portal, 'tara'));
    const jar = new CookieJar();
    const step = await call(jar, 'POST', '/api/auth/password', { username: 'tara', password: PASSWORD });
    portal.clock.freeze();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(
          jar,
          'POST',
          i % 2 ? '/api/auth/totp' : '/api/auth/recovery',
          { code: i % 2 ? '000000' : 'aaaa-bbbb-cccc' },
          { 'x-csrf-token': step.body.csrfToken },
        ),
      ),
    ).finally(() => portal.clock.thaw());
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(34);
  });

  it('replaces an enrolled authenticator only with a current code or an unused recovery code', async () => {
    await portal.addUser('rita');
    const jar = await signedIn(portal, 'rita');
    const first = await enrol(jar);
    const replace = async (currentCode?: string) => {
      const token = await csrf(jar);
      const started = await call(jar, 'POST', '/api/auth/totp/enrol', undefined, { 'x-csrf-token': token });
      expect(started.status).toBe(200);
      const confirmed = await call(
        jar,
        'POST',
        '/api/auth/totp/confirm',
        { code: await generateTotpCode(started.body.secret, portal.clock.now()), currentCode },
        { 'x-csrf-token': token },
      );
      return { ...confirmed, secret: started.body.secret };
    };
    /** Signs in with a fresh password step and a TOTP code; the status of the code step. */
    const secondStep = async (secret: string) => {
      const fresh = new CookieJar();
      const step = await call(fresh, 'POST', '/api/auth/password', { username: 'rita', password: PASSWORD });
      expect(step.body.next).toBe('totp');
      const code = await generateTotpCode(secret, portal.clock.now());
      return (await call(fresh, 'POST', '/api/auth/totp', { code }, { 'x-csrf-token': step.body.csrfToken }))
        .status;
    };

    expect(await replace()).toMatchObject({
      status: 403,
      body: { error: { code: 'ERR_TOTP_REQUIRED', details: { field: 'currentCode' } } },
    });
    expect(await replace('000000')).toMatchObject({
      status: 401,
      body: { error: { code: 'ERR_TOTP_INVALID', details: { field: 'currentCode' } } },
    });
    expect(await replace('zzzz-zzzz-zzzz')).toMatchObject({
      status: 401,
      body: { error: { code: 'ERR_RECOVERY_CODE_INVALID' } },
    });
    // Nothing changed: the first authenticator still signs in.
    portal.clock.advance(31_000);
    expect(await secondStep(first.secret)).toBe(200);

    // An unused recovery code replaces it; the old authenticator and recovery codes stop working.
    const byRecovery = await replace(first.recoveryCodes[0]);
    expect(byRecovery.status).toBe(200);
    expect(byRecovery.body.recoveryCodes).toHaveLength(10);
    expect(byRecovery.body.recoveryCodes).not.toContain(first.recoveryCodes[1]);
    portal.clock.advance(31_000);
    expect(await secondStep(first.secret)).toBe(401);
    expect((await replace(first.recoveryCodes[1])).status).toBe(401);

    // So does a current code from it, which is then spent.
    const current = await generateTotpCode(byRecovery.secret, portal.clock.now());
    const byCode = await replace(current);
    expect(byCode.status).toBe(200);
    expect((await replace(current)).status).toBe(401);
    portal.clock.advance(31_000);
    expect(await secondStep(byCode.secret)).toBe(200);
  });

  it('counts wrong current codes on the second-factor throttle', async () => {
    await portal.addUser('rosa');
    const jar = await signedIn(portal, 'rosa');
    const enrolled = await enrol(jar);
    const token = await csrf(jar);
    const started = await call(jar, 'POST', '/api/auth/totp/enrol', undefined, { 'x-csrf-token': token });
    const attempt = async (currentCode: string) =>
      call(
        jar,
        'POST',
        '/api/auth/totp/confirm',
        { code: await generateTotpCode(started.body.secret, portal.clock.now()), currentCode },
        { 'x-csrf-token': token },
      );
    for (let i = 0; i < 6; i++) expect((await attempt('000000')).status).toBe(401);
    // The next step's code, which would pass (±1 step) were the account not throttled.
    const code = await generateTotpCode(enrolled.secret, new Date(portal.clock.now().getTime() + 30_000));
    const blocked = await attempt(code);
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'ERR_THROTTLED' } } });
    // The same key guards the code step of a sign-in.
    const fresh = new CookieJar();
    const step = await call(fresh, 'POST', '/api/auth/password', { username: 'rosa', password: PASSWORD });
    expect(
      (await call(fresh, 'POST', '/api/auth/totp', { code }, { 'x-csrf-token': step.body.csrfToken })).status,
    ).toBe(429);
  });

  it('makes a cluster admin without TOTP enrol before anything else', async () => {
    await portal.addUser('admin', { clusterAdmin: true });
    const jar = new CookieJar();
    expect(
      (await call(jar, 'POST', '/api/auth/password', { username: 'admin', password: PASSWORD })).body.next,
    ).toBe('enrol_totp');
    expect((await call(jar, 'GET', '/api/instances')).status).toBe(403);
    await enrol(jar);
    expect((await call(jar, 'GET', '/api/session')).body).toMatchObject({
      signedIn: true,
      stage: 'full',
      clusterAdmin: true,
    });
  });
});

describe('the first-admin link', () => {
  it('creates the first cluster admin once, then TOTP enrolment is required', async () => {
    const fresh = await PortalHarness.start();
    try {
      const setup = fresh.app.get(SetupService);
      const link = (await setup.createLink())!;
      const jar = new CookieJar();
      const get = async (token: string) => (await jar.fetch(`${fresh.url}/api/setup/${token}`)).json();
      expect(await get(link.token)).toEqual({ valid: true });
      expect(await get('x'.repeat(43))).toEqual({ valid: false });
      const post = (token: string) =>
        jar.fetch(`${fresh.url}/api/setup/${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: fresh.url },
          body: JSON.stringify({ username: 'root', password: PASSWORD }),
        });
      const created = await post(link.token);
      expect(await created.json()).toMatchObject({ next: 'enrol_totp' });
      const session = await (await jar.fetch(`${fresh.url}/api/session`)).json();
      expect(session).toMatchObject({ signedIn: false, stage: 'enrol_totp', clusterAdmin: true });
      expect((await post(link.token)).status).toBe(404);
      expect(await setup.createLink()).toBeUndefined();
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a wrong link before judging or hashing what was sent', async () => {
    for (const body of [
      { username: 'root', password: PASSWORD },
      { username: 'root', password: 'short' },
      { username: '-bad-', password: PASSWORD },
    ]) {
      const res = await fetch(`${portal.url}/api/setup/${'x'.repeat(43)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: portal.url },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(404);
      expect(((await res.json()) as Body).error.code).toBe('ERR_SETUP_TOKEN_INVALID');
    }
  });

  it('expires after a day', async () => {
    const setup = portal.app.get(SetupService);
    await portal.accounts.modify('admin', { disabled: true }, 'cli:test');
    const link = (await setup.createLink())!;
    portal.clock.advance(24 * 3_600_000 + 1000);
    expect(await setup.isValid(link.token)).toBe(false);
    portal.clock.advance(-(24 * 3_600_000 + 1000));
  });
});
