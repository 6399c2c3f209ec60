import { SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toPublicJwks } from './keys.js';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  signLogoutToken,
  verifyLogoutToken,
  type LogoutTokenInput,
  type VerifyLogoutTokenOptions,
} from './logout-tokens.js';
import { AUDIENCE, ISSUER, NOW, NOW_S, decodeSegment, testKeys, type TestKeys } from './test/factories.js';

let keys: TestKeys;
let jwks: { keys: JWK[] };
const options: VerifyLogoutTokenOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['EdDSA'],
  now: NOW,
};
const events = { [BACKCHANNEL_LOGOUT_EVENT]: {} };

beforeAll(async () => {
  keys = await testKeys();
  jwks = toPublicJwks([keys.ed]);
});

function logout(input: Partial<LogoutTokenInput> = {}) {
  return signLogoutToken(keys.ed, { issuer: ISSUER, audience: AUDIENCE, sid: 'sid-1', now: NOW, ...input });
}

/** A token signed with the portal's key but shaped by hand, for what signLogoutToken never makes. */
function forged(claims: JWTPayload, typ = 'logout+jwt') {
  const body: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    iat: NOW_S,
    exp: NOW_S + 120,
    jti: 'j-1',
    sid: 'sid-1',
    events,
    ...claims,
  };
  return new SignJWT(body).setProtectedHeader({ alg: 'EdDSA', kid: keys.ed.kid, typ }).sign(keys.ed);
}

async function codeAndClaim(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const { code, claim } = error as { code?: string; claim?: string };
    return claim === undefined ? String(code) : `${code} (${claim})`;
  }
  return 'accepted';
}

describe('signLogoutToken', () => {
  it('makes a token with the header and claims of Back-Channel Logout 1.0', async () => {
    const token = await logout({ subject: 'user-1', jti: 'fixed' });
    const [header, payload] = token.split('.').map((part, index) => (index < 2 ? decodeSegment(part) : part));
    expect(header).toEqual({ alg: 'EdDSA', kid: keys.ed.kid, typ: 'logout+jwt' });
    expect(payload).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW_S,
      exp: NOW_S + 120,
      jti: 'fixed',
      sid: 'sid-1',
      sub: 'user-1',
      events,
    });
    expect(payload).not.toHaveProperty('nonce');
  });

  it('gives every token a fresh jti', async () => {
    const jtis = await Promise.all(
      [logout(), logout(), logout()].map(async (p) => decodeSegment((await p).split('.')[1]!).jti),
    );
    expect(new Set(jtis).size).toBe(3);
  });

  it('refuses a lifetime over 2 minutes and a token that names nobody', async () => {
    expect(await codeAndClaim(logout({ expiresIn: 121 }))).toBe('ERR_AUTH_CONFIG');
    expect(await codeAndClaim(logout({ expiresIn: 0 }))).toBe('ERR_AUTH_CONFIG');
    expect(await codeAndClaim(signLogoutToken(keys.ed, { issuer: ISSUER, audience: AUDIENCE }))).toBe(
      'ERR_AUTH_CONFIG',
    );
  });
});

describe('verifyLogoutToken', () => {
  it('returns the claims of a token naming a sid, a sub or both', async () => {
    await expect(verifyLogoutToken(await logout({ jti: 'a' }), jwks, options)).resolves.toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW_S,
      exp: NOW_S + 120,
      jti: 'a',
      sid: 'sid-1',
    });
    const bySub = await verifyLogoutToken(await logout({ sid: undefined, subject: 'user-1' }), jwks, options);
    expect(bySub).toMatchObject({ sub: 'user-1' });
    expect(bySub).not.toHaveProperty('sid');
    expect(await verifyLogoutToken(await logout({ subject: 'user-1' }), jwks, options)).toMatchObject({
      sid: 'sid-1',
      sub: 'user-1',
    });
  });

  it('uses the current time and the configured clock tolerance', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(NOW);
      const token = await signLogoutToken(keys.ed, { issuer: ISSUER, audience: AUDIENCE, sid: 's' });
      const { now: _now, ...current } = options;
      expect(await verifyLogoutToken(token, jwks, current)).toMatchObject({ iat: NOW_S, exp: NOW_S + 120 });
      vi.setSystemTime(new Date((NOW_S + 125) * 1000));
      expect(await codeAndClaim(verifyLogoutToken(token, jwks, { ...current, clockTolerance: 0 }))).toBe(
        'ERR_TOKEN_EXPIRED (exp)',
      );
      expect(await verifyLogoutToken(token, jwks, { ...current, clockTolerance: 10 })).toMatchObject({
        sid: 's',
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('accepts a lone audience in an array and reports it as a string', async () => {
    expect(await verifyLogoutToken(await forged({ aud: [AUDIENCE] }), jwks, options)).toMatchObject({
      aud: AUDIENCE,
    });
  });

  it('hands the jti to rememberJti and refuses a token seen before', async () => {
    const seen = new Set<string>();
    const rememberJti = vi.fn(async (jti: string) => !seen.has(jti) && Boolean(seen.add(jti)));
    const token = await logout({ jti: 'once' });
    await expect(verifyLogoutToken(token, jwks, { ...options, rememberJti })).resolves.toMatchObject({
      jti: 'once',
    });
    expect(rememberJti).toHaveBeenCalledWith('once', new Date((NOW_S + 120) * 1000));
    expect(await codeAndClaim(verifyLogoutToken(token, jwks, { ...options, rememberJti }))).toBe(
      'ERR_TOKEN_REPLAY (jti)',
    );
  });

  it('does not call rememberJti for a token that fails', async () => {
    const rememberJti = vi.fn(() => true);
    await expect(
      verifyLogoutToken(await forged({ nonce: 'n' }), jwks, { ...options, rememberJti }),
    ).rejects.toThrow();
    expect(rememberJti).not.toHaveBeenCalled();
  });

  const hostile: Array<[string, () => Promise<string>, string]> = [
    ['typ JWT', () => forged({}, 'JWT'), 'ERR_TOKEN_TYP (typ)'],
    [
      'an ID token shape (no events, a nonce)',
      () => forged({ events: undefined, nonce: 'n' }),
      'ERR_TOKEN_CLAIM (events)',
    ],
    ['events missing', () => forged({ events: undefined }), 'ERR_TOKEN_CLAIM (events)'],
    ['events a string', () => forged({ events: BACKCHANNEL_LOGOUT_EVENT }), 'ERR_TOKEN_CLAIM (events)'],
    ['events an array', () => forged({ events: [BACKCHANNEL_LOGOUT_EVENT] }), 'ERR_TOKEN_CLAIM (events)'],
    [
      'events of another kind',
      () => forged({ events: { 'http://schemas.openid.net/event/other': {} } }),
      'ERR_TOKEN_CLAIM (events)',
    ],
    [
      'event member not an object',
      () => forged({ events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } }),
      'ERR_TOKEN_CLAIM (events)',
    ],
    [
      'event member null',
      () => forged({ events: { [BACKCHANNEL_LOGOUT_EVENT]: null } }),
      'ERR_TOKEN_CLAIM (events)',
    ],
    ['a nonce', () => forged({ nonce: 'n-1' }), 'ERR_TOKEN_CLAIM (nonce)'],
    ['no jti', () => forged({ jti: undefined }), 'ERR_TOKEN_CLAIM (jti)'],
    ['empty jti', () => forged({ jti: '' }), 'ERR_TOKEN_CLAIM (jti)'],
    ['numeric jti', () => forged({ jti: 7 as never }), 'ERR_TOKEN_CLAIM (jti)'],
    ['neither sid nor sub', () => forged({ sid: undefined }), 'ERR_TOKEN_CLAIM (sid)'],
    ['empty sid with a sub', () => forged({ sid: '', sub: 'user-1' }), 'ERR_TOKEN_CLAIM (sid)'],
    ['numeric sid with a sub', () => forged({ sid: 5, sub: 'user-1' }), 'ERR_TOKEN_CLAIM (sid)'],
    ['empty sub with a sid', () => forged({ sub: '' }), 'ERR_TOKEN_CLAIM (sub)'],
    ['lifetime over 2 minutes', () => forged({ exp: NOW_S + 121 }), 'ERR_TOKEN_CLAIM (exp)'],
    ['issued 3 minutes ago', () => forged({ iat: NOW_S - 180, exp: NOW_S + 30 }), 'ERR_TOKEN_EXPIRED (iat)'],
    [
      'issued in the future',
      () => forged({ iat: NOW_S + 90, exp: NOW_S + 200 }),
      'ERR_TOKEN_NOT_YET_VALID (iat)',
    ],
    ['expired', () => logout({ now: new Date((NOW_S - 200) * 1000) }), 'ERR_TOKEN_EXPIRED (exp)'],
    ['no iat', () => forged({ iat: undefined }), 'ERR_TOKEN_CLAIM (iat)'],
    ['wrong audience', () => logout({ audience: 'node-studio' }), 'ERR_TOKEN_AUDIENCE (aud)'],
    ['two audiences', () => forged({ aud: [AUDIENCE, 'node-studio'] }), 'ERR_TOKEN_AUDIENCE (aud)'],
    ['wrong issuer', () => logout({ issuer: 'https://evil.example' }), 'ERR_TOKEN_ISSUER (iss)'],
    [
      'signed by another key',
      () => signLogoutToken(keys.attacker, { issuer: ISSUER, audience: AUDIENCE, sid: 's', now: NOW }),
      'ERR_TOKEN_KID (kid)',
    ],
  ];

  it.each(hostile)('refuses %s → %s', async (_name, build, expected) => {
    expect(await codeAndClaim(verifyLogoutToken(await build(), jwks, options))).toBe(expected);
  });
});
