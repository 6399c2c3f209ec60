import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { LoginAuditService } from '../services/login-audit.service.js';
import { call, callSignedIn } from '../test/api.js';
import { PASSWORD, PortalHarness, signedIn, type NodeCreds } from '../test/harness.js';

let portal: PortalHarness;
let family: NodeCreds;
let studio: NodeCreds;

beforeAll(async () => {
  portal = await PortalHarness.start();
  family = await portal.addNode('family');
  studio = await portal.addNode('studio');
  await portal.addUser('ann', { groups: ['photographers'], webdav: true });
  await portal.addUser('bob');
  await portal.grants.grant(
    { username: 'ann', node: 'family', role: 'contributor', uploadPath: 'uploads/{username}' },
    'cli:test',
  );
  await portal.grants.allowGroup({ node: 'family', group: 'photographers', role: 'viewer' }, 'cli:test');
  await portal.grants.grant({ username: 'bob', node: 'studio', role: 'user' }, 'cli:test');
});

afterAll(async () => {
  await portal?.stop();
});

const signed = (jar: CookieJar, method: string, path: string, body?: unknown) =>
  callSignedIn(portal.url, jar, method, path, body);

/** What an instance sends: its own node credentials (HTTP Basic) and what its client typed. */
async function verify(node: NodeCreds, username: string, password: unknown) {
  const res = await fetch(`${portal.url}/api/cluster/app-passwords/verify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${node.clientId}:${node.clientSecret}`).toString('base64')}`,
    },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: await res.json() };
}

async function create(jar: CookieJar, body: Record<string, unknown>) {
  return signed(jar, 'POST', '/api/account/app-passwords', body);
}

describe('app passwords', () => {
  it('are shown once, work at the node API of their instance only, and never at portal sign-in', async () => {
    const jar = await signedIn(portal, 'ann');
    const created = await create(jar, { name: 'Phone WebDAV', node: 'family', expiresInDays: 30 });
    expect(created.status).toBe(201);
    const { password, id } = created.body;
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await signed(jar, 'GET', '/api/account/app-passwords');
    expect(listed.body.appPasswords).toEqual([
      {
        id,
        name: 'Phone WebDAV',
        node: 'family',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(password);

    const ok = await verify(family, 'Ann', password);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(
      ['active', 'basePath', 'expiresAt', 'groups', 'role', 'sub', 'uploadPath', 'username', 'webdav'].sort(),
    );
    expect(ok.body).toMatchObject({
      active: true,
      username: 'ann',
      role: 'contributor',
      groups: ['photographers'],
      basePath: null,
      uploadPath: 'uploads/ann',
      webdav: true,
      expiresAt: created.body.expiresAt,
    });
    expect((await verify(studio, 'ann', password)).body).toEqual({ active: false });
    expect((await verify(family, 'bob', password)).body).toEqual({ active: false });
    expect((await verify(family, 'ann', `${password.slice(0, -1)}x`)).body).toEqual({ active: false });
    expect((await portal.signIn(new CookieJar(), 'ann', password)).status).toBe(401);
    expect(
      (await signed(jar, 'GET', '/api/account/app-passwords')).body.appPasswords[0].lastUsedAt,
    ).not.toBeNull();
  });

  it('are only made for an instance the account may open', async () => {
    const jar = await signedIn(portal, 'ann');
    for (const node of ['studio', 'nosuch'])
      expect(await create(jar, { name: 'x', node })).toMatchObject({
        status: 404,
        body: { error: { code: 'ERR_NODE_NOT_FOUND' } },
      });
  });

  it('stop working when they expire, are revoked, or access goes', async () => {
    const jar = await signedIn(portal, 'ann');
    const short = (await create(jar, { name: 'short', node: 'family', expiresInDays: 1 })).body;
    const revoked = (await create(jar, { name: 'revoked', node: 'family' })).body;
    expect((await verify(family, 'ann', short.password)).body.active).toBe(true);
    portal.clock.advance(86_401_000);
    try {
      expect((await verify(family, 'ann', short.password)).body).toEqual({ active: false });
    } finally {
      portal.clock.advance(-86_401_000);
    }
    expect((await signed(jar, 'POST', `/api/account/app-passwords/${revoked.id}/revoke`)).body).toEqual({
      revoked: true,
    });
    expect((await verify(family, 'ann', revoked.password)).body).toEqual({ active: false });
    expect((await signed(jar, 'POST', `/api/account/app-passwords/${revoked.id}/revoke`)).status).toBe(404);

    const bob = await signedIn(portal, 'bob');
    const bobs = (await create(bob, { name: 'sync', node: 'studio' })).body;
    expect((await verify(studio, 'bob', bobs.password)).body).toMatchObject({ active: true, role: 'user' });
    // Another account's app password is "not found", not "forbidden".
    expect((await signed(jar, 'POST', `/api/account/app-passwords/${bobs.id}/revoke`)).status).toBe(404);
    await portal.grants.revoke({ username: 'bob', node: 'studio' }, 'cli:test');
    expect((await verify(studio, 'bob', bobs.password)).body).toEqual({ active: false });
  });

  it('are deleted when an admin disables or deletes the account', async () => {
    await portal.addUser('cleo');
    await portal.grants.grant({ username: 'cleo', node: 'family' }, 'cli:test');
    const jar = await signedIn(portal, 'cleo');
    const made = (await create(jar, { name: 'nas', node: 'family' })).body;
    expect((await verify(family, 'cleo', made.password)).body.active).toBe(true);
    await portal.accounts.modify('cleo', { disabled: true }, 'cli:test');
    await portal.accounts.modify('cleo', { disabled: false }, 'cli:test');
    expect((await verify(family, 'cleo', made.password)).body).toEqual({ active: false });
    const again = (await create(await signedIn(portal, 'cleo'), { name: 'nas', node: 'family' })).body;
    await portal.accounts.remove('cleo', 'cli:test');
    expect((await verify(family, 'cleo', again.password)).body).toEqual({ active: false });
  });

  it('leave a reason for every refusal in the sign-in audit, with the node as provider', async () => {
    const { entries } = await portal.app.get(LoginAuditService).list({ method: 'app_password' });
    const seen = entries.map((e) => `${e.provider}:${e.result}:${e.reason ?? ''}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'family:success:',
        'studio:failure:app_password_wrong_node',
        'family:failure:app_password_invalid',
        'family:failure:app_password_expired',
        'studio:failure:app_password_no_access',
      ]),
    );
  });

  it('throttles guesses per node and username', async () => {
    await portal.addUser('dan');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await verify(family, 'dan', `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('answer hostile input with 4xx and a clear message', async () => {
    const jar = await signedIn(portal, 'ann');
    for (const [body, code] of [
      [{ name: '', node: 'family' }, 'ERR_BAD_REQUEST'],
      [{ name: '   ', node: 'family' }, 'ERR_NAME_INVALID'],
      [{ name: 'a\u0007b', node: 'family' }, 'ERR_NAME_INVALID'],
      [{ name: 'x'.repeat(201), node: 'family' }, 'ERR_BAD_REQUEST'],
      [{ name: 'x', node: 'family', expiresInDays: 0 }, 'ERR_BAD_REQUEST'],
      [{ name: 'x', node: 'family', expiresInDays: 10_000 }, 'ERR_BAD_REQUEST'],
      [{ name: 'x', node: 'family', expiresInDays: 'soon' }, 'ERR_BAD_REQUEST'],
      [{ name: 'x', node: 'fam\u0000ily' }, 'ERR_BAD_REQUEST'],
      [{ name: 'x' }, 'ERR_BAD_REQUEST'],
      [{ name: 'x', node: 'family', account: 'bob' }, 'ERR_BAD_REQUEST'],
    ] as const) {
      const answer = await create(jar, body);
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([400, code]);
      expect(answer.body.error.message).toEqual(expect.any(String));
    }
    expect((await signed(jar, 'POST', '/api/account/app-passwords/not-a-uuid/revoke')).status).toBe(400);
    expect(
      (await call(portal.url, jar, 'POST', '/api/account/app-passwords', { name: 'x', node: 'family' })).body
        .error.code,
    ).toBe('ERR_CSRF');
    expect((await call(portal.url, new CookieJar(), 'GET', '/api/account/app-passwords')).status).toBe(401);
    for (const body of [
      { username: 'ann' },
      { username: 'a\u0000', password: 'x' },
      { username: 'ann', password: 5 },
      'nope',
    ]) {
      const res = await fetch(`${portal.url}/api/cluster/app-passwords/verify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${family.clientId}:${family.clientSecret}`).toString('base64')}`,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const noCreds = await fetch(`${portal.url}/api/cluster/app-passwords/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ann', password: 'x' }),
    });
    expect(noCreds.status).toBe(401);
  });
});

describe('the account page API', () => {
  it('summarizes the account', async () => {
    const jar = await signedIn(portal, 'ann');
    expect((await signed(jar, 'GET', '/api/account')).body).toEqual({
      username: 'ann',
      name: '',
      email: null,
      authProvider: 'local',
      hasPassword: true,
      totp: false,
      recoveryCodesLeft: 0,
      clusterAdmin: false,
      appPasswords: true,
    });
  });

  it('changes the password with the current one, ending the other sessions only', async () => {
    await portal.addUser('erin');
    const other = await signedIn(portal, 'erin');
    const jar = await signedIn(portal, 'erin');
    const wrong = await signed(jar, 'POST', '/api/account/password', {
      currentPassword: 'not it at all',
      newPassword: 'a new passphrase',
    });
    expect(wrong).toMatchObject({
      status: 403,
      body: { error: { code: 'ERR_BAD_CREDENTIALS', details: { field: 'currentPassword' } } },
    });
    const short = await signed(jar, 'POST', '/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'short',
    });
    expect(short).toMatchObject({ status: 400, body: { error: { code: 'ERR_PASSWORD_INVALID' } } });
    const changed = await signed(jar, 'POST', '/api/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'a new passphrase',
    });
    expect(changed).toMatchObject({ status: 200, body: { endedSessions: 1 } });
    expect((await call(portal.url, other, 'GET', '/api/session')).body).toEqual({ signedIn: false });
    expect((await call(portal.url, jar, 'GET', '/api/session')).body.signedIn).toBe(true);
    expect((await portal.signIn(new CookieJar(), 'erin', 'a new passphrase')).status).toBe(200);
  });

  it('lists and ends its own sessions, never another account’s', async () => {
    await portal.addUser('finn');
    const laptop = await signedIn(portal, 'finn');
    const phone = await signedIn(portal, 'finn');
    const { sessions } = (await signed(laptop, 'GET', '/api/account/sessions')).body;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const phoneRef = sessions.find((s: { current: boolean }) => !s.current).ref;
    const bobs = (await signed(await signedIn(portal, 'bob'), 'GET', '/api/account/sessions')).body
      .sessions[0].ref;
    expect((await signed(laptop, 'POST', `/api/account/sessions/${bobs}/end`)).status).toBe(404);
    expect((await signed(laptop, 'POST', `/api/account/sessions/${phoneRef}/end`)).body).toEqual({
      ended: true,
      signedOut: false,
    });
    expect((await call(portal.url, phone, 'GET', '/api/session')).body).toEqual({ signedIn: false });
    expect((await signed(laptop, 'POST', '/api/account/sessions/bad$ref/end')).status).toBe(400);
  });

  it('regenerates recovery codes with a current TOTP code', async () => {
    await portal.addUser('gus');
    const jar = await signedIn(portal, 'gus');
    expect((await signed(jar, 'POST', '/api/account/recovery-codes', { code: '123456' })).status).toBe(409);
    const started = await signed(jar, 'POST', '/api/auth/totp/enrol', {});
    const confirmed = await signed(jar, 'POST', '/api/auth/totp/confirm', {
      code: await generateTotpCode(started.body.secret, portal.clock.now()),
    });
    expect(confirmed.status).toBe(200);
    const wrong = await signed(jar, 'POST', '/api/account/recovery-codes', { code: '000000' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'ERR_TOTP_INVALID' } } });
    const fresh = await signed(jar, 'POST', '/api/account/recovery-codes', {
      code: confirmed.body.recoveryCodes[0],
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(confirmed.body.recoveryCodes[1]);
    expect((await signed(jar, 'GET', '/api/account')).body).toMatchObject({
      totp: true,
      recoveryCodesLeft: 10,
    });
  });
});

describe('with ATRIUM_DISABLE_FEATURES=app-passwords', () => {
  let off: PortalHarness;
  let node: NodeCreds;

  beforeAll(async () => {
    off = await PortalHarness.start({ env: { ATRIUM_DISABLE_FEATURES: 'app-passwords' } });
    node = await off.addNode('family');
    await off.addUser('ann');
    await off.grants.grant({ username: 'ann', node: 'family' }, 'cli:test');
  });

  afterAll(async () => {
    await off?.stop();
  });

  it('hides them, refuses to make them, and answers the node API inactive; mail-only routes are off too', async () => {
    const jar = await signedIn(off, 'ann');
    expect((await callSignedIn(off.url, jar, 'GET', '/api/account')).body.appPasswords).toBe(false);
    expect((await callSignedIn(off.url, jar, 'GET', '/api/account/app-passwords')).body).toEqual({
      enabled: false,
      appPasswords: [],
    });
    const refused = await callSignedIn(off.url, jar, 'POST', '/api/account/app-passwords', {
      name: 'x',
      node: 'family',
    });
    expect(refused).toMatchObject({ status: 404, body: { error: { code: 'ERR_FEATURE_DISABLED' } } });
    const res = await fetch(`${off.url}/api/cluster/app-passwords/verify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${node.clientId}:${node.clientSecret}`).toString('base64')}`,
      },
      body: JSON.stringify({ username: 'ann', password: 'x'.repeat(43) }),
    });
    expect(await res.json()).toEqual({ active: false });
    // No SMTP_URL and no ATRIUM_SELF_REGISTRATION here.
    expect((await call(off.url, new CookieJar(), 'GET', '/api/mail-options')).body).toEqual({
      passwordReset: false,
      selfRegistration: false,
    });
    expect(
      (await call(off.url, new CookieJar(), 'POST', '/api/register', { email: 'a@example.org' })).body.error
        .code,
    ).toBe('ERR_FEATURE_DISABLED');
    expect(
      (await call(off.url, new CookieJar(), 'POST', '/api/password-reset', { email: 'a@example.org' })).body
        .error.code,
    ).toBe('ERR_MAIL_UNAVAILABLE');
  });
});
