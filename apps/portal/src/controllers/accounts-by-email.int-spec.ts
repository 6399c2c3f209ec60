import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyLogoutToken } from '@atrium/auth';
import { CookieJar, freePort, startSmtp, type ReceivedMessage, type TestSmtp } from '@atrium/testing';
import { AccountRepository } from '../repositories/account.repository.js';
import { ThrottleRepository } from '../repositories/throttle.repository.js';
import { InvitationService } from '../services/invitation.service.js';
import { LoginAuditService } from '../services/login-audit.service.js';
import { LogoutReceiver } from '../test/logout-receiver.js';
import { call, callSignedIn } from '../test/api.js';
import { authorize, PASSWORD, PortalHarness, redeem, signedIn } from '../test/harness.js';

let smtp: TestSmtp;
let portal: PortalHarness;
let invitations: InvitationService;

beforeAll(async () => {
  smtp = await startSmtp();
  portal = await PortalHarness.start({
    env: {
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Atrium Test <atrium@photos.example>',
      ATRIUM_SELF_REGISTRATION: 'true',
    },
    runtime: { outbox: { pollMs: 50 } },
  });
  invitations = portal.app.get(InvitationService);
});

// Every request here comes from 127.0.0.1: each test starts with the address's link and mail counts at zero.
afterEach(async () => {
  const throttles = portal.app.get(ThrottleRepository);
  for (const key of ['link:address:127.0.0.1', 'mail:address:127.0.0.1']) await throttles.reset(key);
});

afterAll(async () => {
  await portal?.stop();
  await smtp?.stop();
});

const api = (
  jar: CookieJar,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => call(portal.url, jar, method, path, body, headers);

const mailTo = (address: string, subject: RegExp) =>
  smtp.waitForMessage(
    (m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()) && subject.test(m.subject),
    5_000,
  );

/** The one portal link in a mail, checked to be the same in its text and HTML parts. */
function linkIn(message: ReceivedMessage, page: 'invite' | 'reset'): string {
  const pattern = new RegExp(`${portal.url.replace(/[.:/]/g, '\\$&')}/${page}/([A-Za-z0-9_-]{43})`);
  const inText = pattern.exec(message.text);
  expect(inText, message.text).not.toBeNull();
  expect(message.html).toContain(inText![0]);
  return inText![1]!;
}

/** Waits long enough for the mail worker to have sent anything queued, then lists what came. */
async function settle(): Promise<ReceivedMessage[]> {
  await new Promise((r) => setTimeout(r, 400));
  return smtp.messages;
}

describe('invitations', () => {
  it('mails a single-use link that creates the account and signs it in', async () => {
    const invitation = await invitations.invite(
      { email: 'Ann@Example.org', name: 'Ann', role: 'viewer' },
      'cli:test',
    );
    expect(invitation).toMatchObject({ email: 'Ann@Example.org', mailed: true });
    expect(invitation.link).toBeUndefined();
    const message = await mailTo('Ann@Example.org', /invited/);
    expect(message.raw).toMatch(/^From: "?Atrium Test"? <atrium@photos\.example>/m);
    expect(message.text).toMatch(/works once and for 7 days/);
    const token = linkIn(message, 'invite');

    const jar = new CookieJar();
    expect((await api(jar, 'GET', `/api/invitations/${token}`)).body).toMatchObject({
      kind: 'invite',
      email: 'Ann@Example.org',
      name: 'Ann',
      suggestedUsername: 'ann',
    });
    const accepted = await api(jar, 'POST', `/api/invitations/${token}`, {
      username: 'ann',
      password: PASSWORD,
    });
    expect(accepted).toMatchObject({ status: 200, body: { next: 'offer_totp' } });
    expect((await api(jar, 'GET', '/api/session')).body).toMatchObject({ signedIn: true, username: 'ann' });
    const account = await portal.app.get(AccountRepository).findByUsername('ann');
    expect(account).toMatchObject({
      email: 'Ann@Example.org',
      emailVerified: true,
      accountRole: 'viewer',
      name: 'Ann',
    });

    const again = await api(new CookieJar(), 'POST', `/api/invitations/${token}`, {
      username: 'ann2',
      password: PASSWORD,
    });
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_INVALID' } } });
    expect((await api(new CookieJar(), 'GET', `/api/invitations/${token}`)).status).toBe(404);
  });

  it('leads a cluster admin to TOTP enrolment before anything else', async () => {
    await invitations.invite({ email: 'root@example.org', clusterAdmin: true }, 'cli:test');
    const token = linkIn(await mailTo('root@example.org', /invited/), 'invite');
    const jar = new CookieJar();
    const accepted = await api(jar, 'POST', `/api/invitations/${token}`, {
      username: 'root2',
      password: PASSWORD,
    });
    expect(accepted.body.next).toBe('enrol_totp');
    expect((await api(jar, 'GET', '/api/session')).body).toMatchObject({
      signedIn: false,
      stage: 'enrol_totp',
    });
    expect((await api(jar, 'GET', '/api/instances')).body.error.code).toBe('ERR_SESSION_STAGE');
  });

  it('refuses an address that has an account, and replaces an earlier invitation to the same address', async () => {
    await expect(invitations.invite({ email: 'ann@example.org' }, 'cli:test')).rejects.toMatchObject({
      code: 'ERR_EMAIL_TAKEN',
      status: 409,
    });
    await invitations.invite({ email: 'twice@example.org' }, 'cli:test');
    const first = linkIn(await mailTo('twice@example.org', /invited/), 'invite');
    smtp.messages.length = 0;
    await invitations.invite({ email: 'twice@example.org' }, 'cli:test');
    const second = linkIn(await mailTo('twice@example.org', /invited/), 'invite');
    expect((await api(new CookieJar(), 'GET', `/api/invitations/${first}`)).status).toBe(404);
    expect((await api(new CookieJar(), 'GET', `/api/invitations/${second}`)).status).toBe(200);
    expect((await invitations.pending()).map((p) => p.email)).toContain('twice@example.org');
  });

  it('refuses an expired link', async () => {
    await invitations.invite({ email: 'late@example.org', expiresInMs: 60_000 }, 'cli:test');
    const token = linkIn(await mailTo('late@example.org', /invited/), 'invite');
    portal.clock.advance(61_000);
    try {
      const late = await api(new CookieJar(), 'POST', `/api/invitations/${token}`, {
        username: 'late',
        password: PASSWORD,
      });
      expect(late).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_INVALID' } } });
    } finally {
      portal.clock.advance(-61_000);
    }
  });

  it('answers hostile input with 4xx and keeps the link usable', async () => {
    await invitations.invite({ email: 'hostile@example.org' }, 'cli:test');
    const token = linkIn(await mailTo('hostile@example.org', /invited/), 'invite');
    const cases: [unknown, number, string][] = [
      [{ username: 'h', password: 'short' }, 400, 'ERR_PASSWORD_INVALID'],
      [{ username: '../etc', password: PASSWORD }, 400, 'ERR_USERNAME_INVALID'],
      [{ username: 'ann', password: PASSWORD }, 409, 'ERR_USERNAME_TAKEN'],
      [{ username: 'h\u0000x', password: PASSWORD }, 400, 'ERR_BAD_REQUEST'],
      [{ username: 'h', password: PASSWORD, clusterAdmin: true }, 400, 'ERR_BAD_REQUEST'],
      [{ username: ['h'], password: PASSWORD }, 400, 'ERR_BAD_REQUEST'],
      [{ username: 'h', password: 'x'.repeat(5000) }, 400, 'ERR_BAD_REQUEST'],
      ['{not json', 400, 'ERR_BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await api(new CookieJar(), 'POST', `/api/invitations/${token}`, body);
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
      expect(answer.body.error.message).toEqual(expect.any(String));
    }
    for (const bad of [
      'short',
      'x'.repeat(201),
      'a%00'.padEnd(30, 'b'),
      '..%2F..%2Fsetup%2Fabcdefghijklmnopq',
    ]) {
      const answer = await api(new CookieJar(), 'GET', `/api/invitations/${bad}`);
      expect([400, 404], bad).toContain(answer.status);
      expect(answer.body.error.code).toEqual(expect.stringMatching(/^ERR_/));
    }
    const crossSite = await api(
      new CookieJar(),
      'POST',
      `/api/invitations/${token}`,
      { username: 'h', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(crossSite).toMatchObject({ status: 403, body: { error: { code: 'ERR_CSRF' } } });
    expect(
      (
        await api(new CookieJar(), 'POST', `/api/invitations/${token}`, {
          username: 'hostile',
          password: PASSWORD,
        })
      ).status,
    ).toBe(200);
  });

  it('refuses bad invitations from an admin with stable codes', async () => {
    const refusals: [Parameters<InvitationService['invite']>[0], string][] = [
      [{ email: 'not an address' }, 'ERR_EMAIL_INVALID'],
      [{ email: '' }, 'ERR_EMAIL_INVALID'],
      [{ email: 'x@example.org', role: 'cluster_admin' }, 'ERR_ROLE_INVALID'],
      [{ email: 'x@example.org', role: 'visitor' }, 'ERR_ROLE_INVALID'],
      [{ email: 'x@example.org', expiresInMs: 0 }, 'ERR_EXPIRY_INVALID'],
      [{ email: 'x@example.org', groups: ['\u0000'] }, 'ERR_GROUP_INVALID'],
    ];
    for (const [input, code] of refusals)
      await expect(invitations.invite(input, 'cli:test'), JSON.stringify(input)).rejects.toMatchObject({
        code,
        status: 400,
      });
  });
});

describe('password reset', () => {
  beforeAll(async () => {
    await portal.addUser('bob', { email: 'bob@example.org' });
  });

  it('mails a link built from PUBLIC_URL whatever the Host header says, and the new password ends every session', async () => {
    const other = await signedIn(portal, 'bob');
    const requested = await api(
      new CookieJar(),
      'POST',
      '/api/password-reset',
      { email: 'BOB@example.org' },
      {
        'x-forwarded-host': 'evil.example',
      },
    );
    expect(requested).toMatchObject({ status: 202, body: { sent: true } });
    const message = await mailTo('bob@example.org', /Reset/);
    expect(message.raw).not.toContain('evil.example');
    const token = linkIn(message, 'reset');
    expect(message.text).toContain('"bob"');

    const jar = new CookieJar();
    expect((await api(jar, 'GET', `/api/password-reset/${token}`)).body).toMatchObject({ username: 'bob' });
    const done = await api(jar, 'POST', `/api/password-reset/${token}`, {
      password: 'a brand new passphrase',
    });
    expect(done).toMatchObject({ status: 200, body: { reset: true, username: 'bob' } });
    expect((await api(other, 'GET', '/api/session')).body).toEqual({ signedIn: false });
    expect((await portal.signIn(new CookieJar(), 'bob')).status).toBe(401);
    expect((await portal.signIn(new CookieJar(), 'bob', 'a brand new passphrase')).status).toBe(200);

    const reused = await api(new CookieJar(), 'POST', `/api/password-reset/${token}`, {
      password: 'yet another passphrase',
    });
    expect(reused).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_INVALID' } } });
  });

  it('answers an unknown address exactly like a known one, and mails nothing', async () => {
    smtp.messages.length = 0;
    const unknown = await api(new CookieJar(), 'POST', '/api/password-reset', {
      email: 'nobody@example.org',
    });
    const known = await api(new CookieJar(), 'POST', '/api/password-reset', { email: 'bob@example.org' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    const sent = await settle();
    expect(sent.map((m) => m.to).flat()).toEqual(['bob@example.org']);
  });

  it('keeps only the newest link, and refuses it once expired', async () => {
    smtp.messages.length = 0;
    await portal.addUser('cleo', { email: 'cleo@example.org' });
    await api(new CookieJar(), 'POST', '/api/password-reset', { email: 'cleo@example.org' });
    const first = linkIn(await mailTo('cleo@example.org', /Reset/), 'reset');
    smtp.messages.length = 0;
    await api(new CookieJar(), 'POST', '/api/password-reset', { email: 'cleo@example.org' });
    const second = linkIn(await mailTo('cleo@example.org', /Reset/), 'reset');
    expect((await api(new CookieJar(), 'GET', `/api/password-reset/${first}`)).status).toBe(404);
    portal.clock.advance(3_601_000);
    try {
      const late = await api(new CookieJar(), 'POST', `/api/password-reset/${second}`, {
        password: 'too late passphrase',
      });
      expect(late).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_INVALID' } } });
    } finally {
      portal.clock.advance(-3_601_000);
    }
  });

  it('does not reset accounts that cannot use a portal password', async () => {
    smtp.messages.length = 0;
    await portal.addUser('dora', { email: 'dora@example.org', authProvider: 'oidc', authId: 'x' });
    await portal.addUser('eve', { email: 'eve@example.org' });
    await portal.accounts.modify('eve', { disabled: true }, 'cli:test');
    for (const email of ['dora@example.org', 'eve@example.org'])
      expect((await api(new CookieJar(), 'POST', '/api/password-reset', { email })).status).toBe(202);
    expect(await settle()).toEqual([]);
  });

  it('limits how many mails one address gets', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (await api(new CookieJar(), 'POST', '/api/password-reset', { email: 'flood@example.org' })).status,
      );
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('answers hostile input with 4xx', async () => {
    for (const [body, code] of [
      [{ email: 'no-at-sign' }, 'ERR_EMAIL_INVALID'],
      [{ email: '' }, 'ERR_BAD_REQUEST'],
      [{ email: 'a@b.c\u0000' }, 'ERR_BAD_REQUEST'],
      [{ email: 'a@example.org', extra: 1 }, 'ERR_BAD_REQUEST'],
      [{ email: 42 }, 'ERR_BAD_REQUEST'],
      [{}, 'ERR_BAD_REQUEST'],
    ] as const) {
      const answer = await api(new CookieJar(), 'POST', '/api/password-reset', body);
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([400, code]);
    }
    const token = 'A'.repeat(43);
    expect(
      (await api(new CookieJar(), 'POST', `/api/password-reset/${token}`, { password: PASSWORD })).body.error
        .code,
    ).toBe('ERR_LINK_INVALID');
    expect((await api(new CookieJar(), 'POST', `/api/password-reset/${token}`, { password: 7 })).status).toBe(
      400,
    );
  });
});

describe('guessing links', () => {
  it('is throttled per address after ten wrong tokens, for invitations and resets alike', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const path =
        i % 2 ? `/api/invitations/${'g'.repeat(40)}${i}xx` : `/api/password-reset/${'g'.repeat(40)}${i}xx`;
      statuses.push((await api(new CookieJar(), 'GET', path)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('the sign-in audit', () => {
  it('records why a link was refused, and each use', async () => {
    const { entries } = await portal.app.get(LoginAuditService).list({ method: 'invitation' });
    const reasons = entries.map((e) => `${e.result}:${e.reason ?? ''}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'success:',
        'partial:totp_enrolment_required',
        'failure:link_used',
        'failure:link_expired',
        'failure:link_invalid',
      ]),
    );
    const resets = (await portal.app.get(LoginAuditService).list({ method: 'password_reset' })).entries;
    expect(resets.map((e) => `${e.result}:${e.reason ?? ''}`)).toEqual(
      expect.arrayContaining(['success:', 'failure:link_used']),
    );
  });
});

describe('a password reset and the libraries', () => {
  it('signs the account out of every library its sessions opened, through the logout outbox', async () => {
    const receiver = new LogoutReceiver(await freePort());
    await receiver.start();
    try {
      const node = await portal.addNode('family', { url: receiver.url });
      const hal = await portal.addUser('hal', { email: 'hal@example.org' });
      await portal.grants.grant({ username: 'hal', node: 'family' }, 'cli:test');
      const rp = await portal.relyingParty(node);
      const jar = await signedIn(portal, 'hal');
      const idClaims = (
        await redeem(rp, await authorize(portal.url, jar, rp, `${node.url}/auth/callback`))
      ).claims()!;
      await api(new CookieJar(), 'POST', '/api/password-reset', { email: 'hal@example.org' });
      const token = linkIn(await mailTo('hal@example.org', /Reset/), 'reset');
      expect(
        (
          await api(new CookieJar(), 'POST', `/api/password-reset/${token}`, {
            password: 'hal has a new one',
          })
        ).status,
      ).toBe(200);
      for (let i = 0; i < 100 && receiver.tokens.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      const jwks = (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as never;
      const claims = await verifyLogoutToken(receiver.tokens[0]!, jwks, {
        issuer: portal.url,
        audience: node.clientId,
        algorithms: ['EdDSA'],
      });
      expect(claims).toMatchObject({ sub: hal.id, sid: idClaims.sid });
    } finally {
      await receiver.stop();
    }
  });
});

describe('self-registration', () => {
  it('mails a link that makes an account with the default role, opening nothing', async () => {
    const answer = await api(new CookieJar(), 'POST', '/api/register', { email: 'fay@example.org' });
    expect(answer).toMatchObject({ status: 202, body: { sent: true } });
    const token = linkIn(await mailTo('fay@example.org', /Finish creating/), 'invite');
    const jar = new CookieJar();
    expect((await api(jar, 'GET', `/api/invitations/${token}`)).body.kind).toBe('register');
    expect(
      (await api(jar, 'POST', `/api/invitations/${token}`, { username: 'fay', password: PASSWORD })).status,
    ).toBe(200);
    expect(await portal.app.get(AccountRepository).findByUsername('fay')).toMatchObject({
      accountRole: 'guest',
      clusterAdmin: false,
    });
    expect((await callSignedIn(portal.url, jar, 'GET', '/api/instances')).body).toEqual({ instances: [] });
  });

  it('answers an address that has an account the same, and mails it a pointer to the reset page', async () => {
    const answer = await api(new CookieJar(), 'POST', '/api/register', { email: 'fay@example.org' });
    expect(answer).toMatchObject({ status: 202, body: { sent: true } });
    const message = await mailTo('fay@example.org', /already have/);
    expect(message.text).toContain(`${portal.url}/reset`);
  });

  it('says on the sign-in page what mail can do here', async () => {
    expect((await api(new CookieJar(), 'GET', '/api/mail-options')).body).toEqual({
      passwordReset: true,
      selfRegistration: true,
    });
  });
});
