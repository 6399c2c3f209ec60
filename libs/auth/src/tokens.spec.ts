import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { importJwk, toPublicJwk, toPublicJwks } from './keys.js';
import { AUDIENCE, ISSUER, NOW, NOW_S, decodeSegment, testKeys, type TestKeys } from './test/factories.js';
import { codeOf, rawSign, baseClaims, sign } from './test/tokens.js';
import { signJwt, verifyJwt, type VerifyJwtOptions } from './tokens.js';

let keys: TestKeys;
let jwks: { keys: JWK[] };
const verifyOptions: VerifyJwtOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['EdDSA', 'RS256'],
  now: NOW,
};

beforeAll(async () => {
  keys = await testKeys();
  jwks = toPublicJwks([keys.ed, keys.ed2, keys.rsa]);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('signJwt and verifyJwt, happy paths', () => {
  it('round-trips an EdDSA token with the claims and header a verifier relies on', async () => {
    const token = await sign(keys.ed, { jti: 'j-1', subject: 'user-2' }, { atrium_role: 'user' });
    const { payload, header } = await verifyJwt<{ atrium_role: string }>(token, jwks, verifyOptions);
    expect(header).toEqual({ alg: 'EdDSA', kid: keys.ed.kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW_S,
      exp: NOW_S + 600,
      sub: 'user-2',
      jti: 'j-1',
      atrium_role: 'user',
    });
  });

  it('round-trips an RS256 token', async () => {
    const token = await sign(keys.rsa);
    const { header } = await verifyJwt(token, jwks, verifyOptions);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toBe(keys.rsa.kid);
  });

  it('verifies with every kind of key source', async () => {
    const token = await sign(keys.ed);
    const imported = await importJwk(keys.ed);
    const sources = [
      jwks,
      toPublicJwk(keys.ed),
      keys.ed,
      imported,
      imported.publicKey!,
      createPublicKey({ key: toPublicJwk(keys.ed) as never, format: 'jwk' }),
      createLocalJWKSet(jwks),
    ];
    // Twice each: the second pass runs on cached imports.
    for (const source of [...sources, ...sources]) {
      const { payload } = await verifyJwt(token, source as never, verifyOptions);
      expect(payload.sub).toBe('user-1');
    }
  });

  it('signs with an imported key and with a bare CryptoKey wrapped with its kid and alg', async () => {
    const imported = await importJwk(keys.rsa);
    const fromImported = await sign(imported as never);
    const fromBare = await signJwt(
      {},
      { kid: 'bare', alg: 'RS256', privateKey: imported.privateKey! },
      { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60, now: NOW },
    );
    await expect(verifyJwt(fromImported, jwks, verifyOptions)).resolves.toBeTruthy();
    expect(decodeSegment(fromBare.split('.')[0]!)).toEqual({ alg: 'RS256', kid: 'bare', typ: 'JWT' });
    await expect(verifyJwt(fromBare, imported.publicKey!, verifyOptions)).resolves.toBeTruthy();
  });

  it('sets typ and nbf when asked, and checks typ when asked', async () => {
    const notBefore = new Date(NOW.getTime() - 1000);
    const token = await sign(keys.ed, { typ: 'at+jwt', notBefore });
    const { header, payload } = await verifyJwt(token, jwks, { ...verifyOptions, typ: 'at+jwt' });
    expect(header.typ).toBe('at+jwt');
    expect(payload.nbf).toBe(NOW_S - 1);
  });

  it('accepts an audience array that names only us', async () => {
    const token = await rawSign({}, { ...baseClaims(), aud: [AUDIENCE] });
    await expect(verifyJwt(token, jwks, verifyOptions)).resolves.toBeTruthy();
  });

  it('uses the current time when none is given (frozen with fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const token = await signJwt({}, keys.ed, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 });
    const { now: _now, ...withoutNow } = verifyOptions;
    await expect(verifyJwt(token, jwks, withoutNow)).resolves.toMatchObject({ payload: { iat: NOW_S } });
    vi.setSystemTime(new Date(NOW.getTime() + 91_000));
    expect(await codeOf(verifyJwt(token, jwks, withoutNow))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('tolerates 30 s of clock skew by default, and exactly what is configured otherwise', async () => {
    const token = await sign(keys.ed, { expiresIn: 60 });
    const at = (seconds: number) => new Date((NOW_S + seconds) * 1000);
    expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, now: at(80) }))).toBe('accepted');
    expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, now: at(91) }))).toBe('ERR_TOKEN_EXPIRED');
    expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, now: at(60), clockTolerance: 0 }))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
    await expect(
      verifyJwt(token, jwks, { ...verifyOptions, now: at(119), clockTolerance: 60 }),
    ).resolves.toBeTruthy();
  });

  it('follows a JWKS whose keys change: a new key works at once, a removed key stops at once', async () => {
    const rotating = { keys: [toPublicJwk(keys.ed)] };
    const oldToken = await sign(keys.ed);
    const newToken = await sign(keys.ed2);
    await expect(verifyJwt(oldToken, rotating, verifyOptions)).resolves.toBeTruthy();
    expect(await codeOf(verifyJwt(newToken, rotating, verifyOptions))).toBe('ERR_TOKEN_KID');
    rotating.keys.push(toPublicJwk(keys.ed2));
    await expect(verifyJwt(newToken, rotating, verifyOptions)).resolves.toBeTruthy();
    rotating.keys.splice(0, 1);
    expect(await codeOf(verifyJwt(oldToken, rotating, verifyOptions))).toBe('ERR_TOKEN_KID');
  });
});

describe('configuration is checked before any token is read', () => {
  const badOptions: Array<[string, Partial<VerifyJwtOptions>]> = [
    ['clock tolerance over 60 s', { clockTolerance: 61 }],
    ['negative clock tolerance', { clockTolerance: -1 }],
    ['NaN clock tolerance', { clockTolerance: Number.NaN }],
    ['no algorithms', { algorithms: [] }],
    ['alg none', { algorithms: ['none'] }],
    ['HMAC', { algorithms: ['EdDSA', 'HS256'] }],
    ['unknown alg', { algorithms: ['XX999'] }],
    ['algorithms not an array', { algorithms: 'EdDSA' as never }],
    ['empty issuer', { issuer: '' }],
    ['empty audience', { audience: '' }],
    ['zero maxTokenAge', { maxTokenAge: 0 }],
    ['infinite maxTokenAge', { maxTokenAge: Number.POSITIVE_INFINITY }],
  ];

  it.each(badOptions)('%s → ERR_AUTH_CONFIG', async (_name, override) => {
    expect(await codeOf(verifyJwt(await sign(), jwks, { ...verifyOptions, ...override }))).toBe(
      'ERR_AUTH_CONFIG',
    );
  });

  it('refuses unusable key sources', async () => {
    const token = await sign();
    const sources: Array<[unknown, string]> = [
      [null, 'ERR_AUTH_CONFIG'],
      [42, 'ERR_AUTH_CONFIG'],
      [{}, 'ERR_AUTH_CONFIG'],
      [{ kid: 'k', alg: 'EdDSA' }, 'ERR_AUTH_CONFIG'],
      [{ keys: [toPublicJwk(keys.ed), toPublicJwk(keys.ed)] }, 'ERR_KEY_INVALID'],
      [{ keys: [{ ...toPublicJwk(keys.ed), kid: undefined }] }, 'ERR_KEY_INVALID'],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }] }, 'ERR_KEY_INVALID'],
      [{ keys: [{ ...toPublicJwk(keys.ed), x: 'not-a-key' }] }, 'ERR_KEY_INVALID'],
    ];
    for (const [source, code] of sources) {
      expect(await codeOf(verifyJwt(token, source as never, verifyOptions))).toBe(code);
    }
  });

  it('never publishes private members even when handed private keys', async () => {
    const privateSet = { keys: [keys.ed, keys.rsa] as JWK[] };
    await expect(verifyJwt(await sign(keys.rsa), privateSet, verifyOptions)).resolves.toBeTruthy();
  });

  it('refuses bad signing input', async () => {
    const publicOnly = toPublicJwk(keys.ed);
    const cases: Array<[Promise<string>, string]> = [
      [sign(keys.ed, { expiresIn: 0 }), 'ERR_AUTH_CONFIG'],
      [sign(keys.ed, { expiresIn: -5 }), 'ERR_AUTH_CONFIG'],
      [sign(keys.ed, { expiresIn: 1.5 }), 'ERR_AUTH_CONFIG'],
      [sign(keys.ed, { expiresIn: Number.NaN }), 'ERR_AUTH_CONFIG'],
      [sign(keys.ed, { issuer: '' }), 'ERR_AUTH_CONFIG'],
      [sign(keys.ed, { audience: '' }), 'ERR_AUTH_CONFIG'],
      [signJwt({}, publicOnly, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 }), 'ERR_KEY_INVALID'],
      [
        signJwt({}, { kid: 'k', alg: 'EdDSA' }, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 }),
        'ERR_KEY_INVALID',
      ],
      [
        signJwt({}, { kid: 'k', alg: 'HS256', privateKey: {} } as never, {
          issuer: ISSUER,
          audience: AUDIENCE,
          expiresIn: 60,
        }),
        'ERR_KEY_INVALID',
      ],
      [signJwt({}, null as never, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 }), 'ERR_KEY_INVALID'],
    ];
    for (const [promise, code] of cases) expect(await codeOf(promise)).toBe(code);
  });
});
