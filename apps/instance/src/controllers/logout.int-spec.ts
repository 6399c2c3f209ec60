import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, signLogoutToken, BACKCHANNEL_LOGOUT_EVENT, type Jwk } from '@atrium/auth';
import { signRawJwt } from '@atrium/auth/testing';
import { CookieJar } from '@atrium/testing';
import {
  activeKey as portalKey,
  postLogoutToken,
  session,
  startAuthWorld,
  type AuthWorld,
} from '../test/auth.js';
import { InstanceHarness, signedInAt } from '../test/instance.js';

// Back-channel logout (OIDC Back-Channel Logout 1.0) and what one instance refuses of another's.
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

const activeKey = () => portalKey(portal);

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

    async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key?: Jwk) {
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
      return signRawJwt(
        { kid: jwk.kid, typ: 'logout+jwt', ...header },
        Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)),
        jwk,
      );
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
      const foreign = { ...(await generateSigningJwk('EdDSA')), kid: own.kid } as Jwk;
      const rsa = (await portal.keys.signingState()).active.RS256 as Jwk;
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
