import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotpCode } from '@atrium/auth';
import { CookieJar, createTestDatabase } from '@atrium/testing';
import { migrateDatabase } from '@atrium/server';
import { DataSource } from 'typeorm';
import { LOGIN_REASONS } from '../common/login-reasons.js';
import { portalEntities } from '../entities/index.js';
import { portalMigrations } from '../migrations/index.js';
import { PASSWORD, PortalHarness } from '../test/harness.js';
import { LoginAuditService } from './login-audit.service.js';

let portal: PortalHarness;
let logins: LoginAuditService;

beforeAll(async () => {
  portal = await PortalHarness.start();
  logins = portal.app.get(LoginAuditService);
  await portal.addUser('ann');
  await portal.addUser('bob');
  await portal.addUser('zed');
  await portal.accounts.modify('zed', { disabled: true }, 'cli:test');
  await portal.addUser('nolocal', { password: null, authProvider: 'oidc' });
});

afterAll(async () => {
  await portal?.stop();
});

async function password(username: string, secret: string, userAgent = 'audit-test/1.0') {
  const jar = new CookieJar();
  const res = await jar.fetch(`${portal.url}/api/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: portal.url, 'user-agent': userAgent },
    body: JSON.stringify({ username, password: secret }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string }; csrfToken?: string; next?: string },
    jar,
  };
}

async function latest(username: string) {
  return (await logins.list({ search: username, limit: 1 })).entries[0];
}

describe('the sign-in audit', () => {
  it('records why each local password sign-in failed, with address and user agent', async () => {
    const cases: [string, string, string][] = [
      ['ann', 'wrong password!', 'bad_password'],
      ['nobody-here', PASSWORD, 'unknown_user'],
      ['zed', PASSWORD, 'account_disabled'],
      ['nolocal', PASSWORD, 'wrong_method'],
    ];
    for (const [username, secret, reason] of cases) {
      const res = await password(username, secret);
      expect(res.status).toBe(401);
      // The person signing in learns nothing more than "wrong username or password".
      expect(res.body.error?.code).toBe('ERR_BAD_CREDENTIALS');
      expect(await latest(username)).toMatchObject({
        method: 'password',
        provider: null,
        result: 'failure',
        reason,
        username,
        ip: expect.stringMatching(/127\.0\.0\.1/),
        userAgent: 'audit-test/1.0',
      });
    }
    expect((await latest('ann'))!.accountId).toBe((await portal.accounts.show('ann')).account.id);
  });

  it('records a success, and a partial one while the second factor is due', async () => {
    expect((await password('bob', PASSWORD)).status).toBe(200);
    expect(await latest('bob')).toMatchObject({ method: 'password', result: 'success', reason: null });

    const { jar } = await password('bob', PASSWORD);
    const call = async (path: string, body: object, csrf?: string) => {
      const res = await jar.fetch(`${portal.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: portal.url,
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { csrfToken: string; secret: string };
    };
    const session = (await (await jar.fetch(`${portal.url}/api/session`)).json()) as { csrfToken: string };
    const started = await call('/api/auth/totp/enrol', {}, session.csrfToken);
    await call(
      '/api/auth/totp/confirm',
      { code: await generateTotpCode(started.secret, portal.clock.now()) },
      session.csrfToken,
    );
    const second = await password('bob', PASSWORD);
    expect(second.body).toMatchObject({ next: 'totp' });
    expect(await latest('bob')).toMatchObject({ result: 'partial', reason: 'second_factor_required' });
    const now = portal.clock.now().getTime();
    const valid = await Promise.all(
      [-30_000, 0, 30_000].map((d) => generateTotpCode(started.secret, new Date(now + d))),
    );
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c))!;
    const res = await second.jar.fetch(`${portal.url}/api/auth/totp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: portal.url,
        'x-csrf-token': second.body.csrfToken!,
      },
      body: JSON.stringify({ code: wrong }),
    });
    expect(res.status).toBe(401);
    expect(await latest('bob')).toMatchObject({ method: 'totp', result: 'failure', reason: 'totp_invalid' });
  });

  it('records a throttled attempt as throttled', async () => {
    let last = 0;
    for (let i = 0; i < 8 && last !== 429; i++) last = (await password('throttled-one', 'nope')).status;
    expect(last).toBe(429);
    expect(await latest('throttled-one')).toMatchObject({ result: 'failure', reason: 'throttled' });
  });

  it('pages newest first with a cursor, and filters by method, result and reason', async () => {
    const first = await logins.list({ limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).toBe(first.entries[1]!.id);
    const second = await logins.list({ limit: 2, cursor: first.nextCursor! });
    expect(BigInt(second.entries[0]!.id)).toBeLessThan(BigInt(first.entries[1]!.id));
    const all = await logins.list({ limit: 1000 });
    expect(all.nextCursor).toBeNull();
    expect(all.entries.map((e) => e.id)).toEqual(
      [...all.entries].sort((a, b) => Number(BigInt(b.id) - BigInt(a.id))).map((e) => e.id),
    );
    const bad = await logins.list({ reason: 'bad_password' });
    expect(bad.entries.length).toBeGreaterThan(0);
    expect(bad.entries.every((e) => e.reason === 'bad_password')).toBe(true);
    const totp = await logins.list({ method: 'totp', result: 'failure' });
    expect(totp.entries.map((e) => e.username)).toEqual(['bob']);
    expect(all.entries.every((e) => e.reason === null || LOGIN_REASONS.includes(e.reason))).toBe(true);
  });

  it('refuses bad filters with ERR_AUDIT_QUERY_INVALID', async () => {
    for (const filter of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { cursor: 'abc' },
      { cursor: '0' },
      { method: 'telepathy' },
      { result: 'maybe' },
      { reason: 'because' },
      { accountId: 'not-a-uuid' },
      { search: 'x'.repeat(201) },
      { search: 'a\u0000b' },
    ]) {
      await expect(logins.list(filter), JSON.stringify(filter)).rejects.toMatchObject({
        code: 'ERR_AUDIT_QUERY_INVALID',
        status: 400,
      });
    }
  });

  it('treats search text literally (no LIKE wildcards)', async () => {
    expect((await logins.list({ search: '%' })).entries).toEqual([]);
    expect((await logins.list({ search: '_' })).entries.every((e) => /_/.test(JSON.stringify(e)))).toBe(true);
  });
});

describe('the migration to reason codes', () => {
  it('translates the outcomes written before it', async () => {
    const db = await createTestDatabase('audit_migration');
    try {
      await migrateDatabase({ url: db.url, entities: [], migrations: portalMigrations.slice(0, 2) });
      const ds = new DataSource({ type: 'postgres', url: db.url, entities: portalEntities });
      await ds.initialize();
      try {
        await ds.query(`INSERT INTO login_audit (username, method, outcome) VALUES
          ('a', 'password', 'success'), ('b', 'password', 'password_ok'), ('c', 'password', 'bad_credentials'),
          ('d', 'totp', 'bad_code'), ('e', 'recovery_code', 'bad_code'), ('f', 'totp', 'totp_replaced')`);
        await migrateDatabase({ url: db.url, entities: [], migrations: portalMigrations });
        const rows = await ds.query(`SELECT username, result, reason FROM login_audit ORDER BY username`);
        expect(rows).toEqual([
          { username: 'a', result: 'success', reason: null },
          { username: 'b', result: 'partial', reason: 'second_factor_required' },
          { username: 'c', result: 'failure', reason: 'bad_password' },
          { username: 'd', result: 'failure', reason: 'totp_invalid' },
          { username: 'e', result: 'failure', reason: 'recovery_code_invalid' },
          { username: 'f', result: 'success', reason: 'totp_replaced' },
        ]);
        await expect(
          ds.query(`INSERT INTO login_audit (username, method, result) VALUES ('g', 'ldap', 'failure')`),
        ).rejects.toThrow(/login_audit_reason/);
      } finally {
        await ds.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});
