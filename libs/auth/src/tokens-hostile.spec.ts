import { createPublicKey } from 'node:crypto';
import {
  base64url,
  createLocalJWKSet,
  errors,
  SignJWT,
  UnsecuredJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthErrorCode } from './errors.js';
import { importJwk, toPublicJwk, toPublicJwks, type SigningJwk } from './keys.js';
import {
  AUDIENCE,
  ISSUER,
  NOW,
  NOW_S,
  flipFirstChar,
  replaceSegment,
  segment,
  testKeys,
  type TestKeys,
} from './test/factories.js';
import { baseClaims, codeOf, rawSign, sign, signText, signUnencoded } from './test/tokens.js';
import { verifyJwt, MAX_TOKEN_LENGTH, type VerifyJwtOptions } from './tokens.js';

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
  vi.restoreAllMocks();
});

describe('verifyJwt refuses hostile tokens', () => {
  const hmac = (secret: Uint8Array, kid: string) =>
    new SignJWT(baseClaims()).setProtectedHeader({ alg: 'HS256', kid }).sign(secret);
  const encoder = new TextEncoder();

  const cases: Array<[string, () => Promise<string> | string, AuthErrorCode]> = [
    ['alg none', () => new UnsecuredJWT(baseClaims()).encode(), 'ERR_TOKEN_ALG'],
    [
      'alg none with our kid',
      () => `${segment({ alg: 'none', kid: keys.ed.kid })}.${segment(baseClaims())}.`,
      'ERR_TOKEN_ALG',
    ],
    [
      'alg NONE',
      () => `${segment({ alg: 'NONE', kid: keys.ed.kid })}.${segment(baseClaims())}.`,
      'ERR_TOKEN_ALG',
    ],
    [
      'HS256 keyed with the Ed25519 public JWK',
      () => hmac(encoder.encode(JSON.stringify(toPublicJwk(keys.ed))), keys.ed.kid),
      'ERR_TOKEN_ALG',
    ],
    [
      'HS256 keyed with the Ed25519 public key bytes',
      () => hmac(base64url.decode(keys.ed.x as string), keys.ed.kid),
      'ERR_TOKEN_ALG',
    ],
    [
      'HS256 keyed with the RSA public key PEM',
      () =>
        hmac(
          encoder.encode(
            createPublicKey({ key: toPublicJwk(keys.rsa) as never, format: 'jwk' }).export({
              type: 'spki',
              format: 'pem',
            }) as string,
          ),
          keys.rsa.kid,
        ),
      'ERR_TOKEN_ALG',
    ],
    [
      'RS256 header naming the Ed25519 kid',
      () => rawSign({ alg: 'RS256', kid: keys.ed.kid }, baseClaims(), keys.rsa),
      'ERR_TOKEN_ALG',
    ],
    [
      'EdDSA header naming the RSA kid',
      () => rawSign({ alg: 'EdDSA', kid: keys.rsa.kid }, baseClaims(), keys.ed),
      'ERR_TOKEN_ALG',
    ],
    [
      'PS256, an algorithm not pinned',
      () => {
        const { alg: _alg, ...rsa } = keys.rsa;
        return rawSign({ alg: 'PS256' }, baseClaims(), rsa as SigningJwk);
      },
      'ERR_TOKEN_ALG',
    ],
    [
      'tampered payload',
      async () => replaceSegment(await sign(), 1, segment({ ...baseClaims(), sub: 'admin' })),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'tampered header (kid of another key)',
      async () =>
        replaceSegment(await sign(keys.ed), 0, segment({ alg: 'EdDSA', kid: keys.ed2.kid, typ: 'JWT' })),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'tampered header (typ)',
      async () =>
        replaceSegment(await sign(keys.ed), 0, segment({ alg: 'EdDSA', kid: keys.ed.kid, typ: 'at+jwt' })),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'tampered signature',
      async () => {
        const t = await sign();
        return replaceSegment(t, 2, flipFirstChar(t.split('.')[2]!));
      },
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'truncated signature',
      async () => {
        const t = await sign();
        return replaceSegment(t, 2, t.split('.')[2]!.slice(0, 40));
      },
      'ERR_TOKEN_SIGNATURE',
    ],
    ['empty signature', async () => replaceSegment(await sign(), 2, ''), 'ERR_TOKEN_SIGNATURE'],
    [
      'signature of another token',
      async () => replaceSegment(await sign(), 2, (await sign(keys.ed, { jti: 'x' })).split('.')[2]!),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'signed by a stranger under our kid',
      () => rawSign({ kid: keys.ed.kid }, baseClaims(), keys.attacker),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'embedded jwk header with the signer key',
      () => rawSign({ kid: keys.ed.kid, jwk: toPublicJwk(keys.attacker) }, baseClaims(), keys.attacker),
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'jku header pointing elsewhere',
      () =>
        rawSign(
          { kid: keys.attacker.kid, jku: 'https://evil.example/jwks.json' },
          baseClaims(),
          keys.attacker,
        ),
      'ERR_TOKEN_KID',
    ],
    [
      'x5u header pointing elsewhere',
      () =>
        rawSign(
          { kid: keys.attacker.kid, x5u: 'https://evil.example/cert.pem' },
          baseClaims(),
          keys.attacker,
        ),
      'ERR_TOKEN_KID',
    ],
    [
      'embedded jwk with its own kid',
      () => rawSign({ kid: keys.attacker.kid, jwk: toPublicJwk(keys.attacker) }, baseClaims(), keys.attacker),
      'ERR_TOKEN_KID',
    ],
    ['unknown kid', () => rawSign({ kid: 'no-such-key' }, baseClaims()), 'ERR_TOKEN_KID'],
    [
      'no kid',
      () => new SignJWT(baseClaims()).setProtectedHeader({ alg: 'EdDSA' }).sign(keys.ed),
      'ERR_TOKEN_KID',
    ],
    [
      'expired beyond the tolerance',
      () => sign(keys.ed, { now: new Date((NOW_S - 631) * 1000) }),
      'ERR_TOKEN_EXPIRED',
    ],
    [
      'not yet valid (nbf)',
      () => sign(keys.ed, { notBefore: new Date((NOW_S + 31) * 1000) }),
      'ERR_TOKEN_NOT_YET_VALID',
    ],
    ['wrong audience', () => sign(keys.ed, { audience: 'node-studio' }), 'ERR_TOKEN_AUDIENCE'],
    [
      'several audiences including ours',
      () => rawSign({}, { ...baseClaims(), aud: [AUDIENCE, 'node-studio'] }),
      'ERR_TOKEN_AUDIENCE',
    ],
    ['no audience', () => rawSign({}, { ...baseClaims(), aud: undefined }), 'ERR_TOKEN_AUDIENCE'],
    ['wrong issuer', () => sign(keys.ed, { issuer: 'https://evil.example' }), 'ERR_TOKEN_ISSUER'],
    ['issuer with a trailing slash', () => sign(keys.ed, { issuer: `${ISSUER}/` }), 'ERR_TOKEN_ISSUER'],
    ['no exp', () => rawSign({}, { ...baseClaims(), exp: undefined }), 'ERR_TOKEN_CLAIM'],
    ['no iat', () => rawSign({}, { ...baseClaims(), iat: undefined }), 'ERR_TOKEN_CLAIM'],
    ['exp as a string', () => rawSign({}, { ...baseClaims(), exp: String(NOW_S + 600) }), 'ERR_TOKEN_CLAIM'],
    [
      'unknown critical header',
      () =>
        signText({ crit: ['x-atrium'], 'x-atrium': 1 }, JSON.stringify(baseClaims()), { 'x-atrium': true }),
      'ERR_TOKEN_MALFORMED',
    ],
    ['unencoded payload (b64: false)', () => signUnencoded('{"exp":1}'), 'ERR_TOKEN_MALFORMED'],
    [
      'header that is not JSON',
      async () => replaceSegment(await sign(), 0, base64url.encode('{alg:')),
      'ERR_TOKEN_MALFORMED',
    ],
    ['signed payload that is not JSON', () => signText({}, 'not json'), 'ERR_TOKEN_MALFORMED'],
    ['signed payload that is a JSON array', () => signText({}, '[1,2]'), 'ERR_TOKEN_MALFORMED'],
    [
      'payload segment that is not base64url',
      async () => replaceSegment(await sign(), 1, '!!!'),
      'ERR_TOKEN_SIGNATURE',
    ],
    ['two segments', async () => (await sign()).split('.').slice(0, 2).join('.'), 'ERR_TOKEN_MALFORMED'],
    ['four segments', async () => `${await sign()}.x`, 'ERR_TOKEN_MALFORMED'],
    ['empty string', () => '', 'ERR_TOKEN_MALFORMED'],
    ['garbage', () => 'not-a-jwt', 'ERR_TOKEN_MALFORMED'],
    ['oversized token', () => `${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`, 'ERR_TOKEN_MALFORMED'],
    ['not a string', () => 42 as unknown as string, 'ERR_TOKEN_MALFORMED'],
  ];

  it.each(cases)('%s → %s', async (_name, build, code) => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const token = await build();
    expect(await codeOf(verifyJwt(token, jwks, verifyOptions))).toBe(code);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('ignores jku, jwk and x5u on a token our key signed', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const token = await rawSign(
      {
        jku: 'https://evil.example/jwks.json',
        x5u: 'https://evil.example/c.pem',
        jwk: toPublicJwk(keys.attacker),
      },
      baseClaims(),
    );
    await expect(verifyJwt(token, jwks, verifyOptions)).resolves.toBeTruthy();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses a typ other than the required one, and a missing one', async () => {
    const plain = await sign();
    const untyped = await new SignJWT(baseClaims())
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.ed.kid })
      .sign(keys.ed);
    for (const token of [plain, untyped]) {
      expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, typ: 'logout+jwt' }))).toBe(
        'ERR_TOKEN_TYP',
      );
    }
  });

  it('applies maxTokenAge to iat, in both directions', async () => {
    const old = await sign(keys.ed, { now: new Date((NOW_S - 400) * 1000) });
    const future = await rawSign({}, { ...baseClaims(), iat: NOW_S + 120 });
    expect(await codeOf(verifyJwt(old, jwks, { ...verifyOptions, maxTokenAge: 300 }))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
    expect(await codeOf(verifyJwt(future, jwks, { ...verifyOptions, maxTokenAge: 300 }))).toBe(
      'ERR_TOKEN_NOT_YET_VALID',
    );
    await expect(verifyJwt(old, jwks, { ...verifyOptions, maxTokenAge: 500 })).resolves.toBeTruthy();
  });

  it('checks subject and extra required claims when asked', async () => {
    const token = await sign();
    expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, subject: 'user-2' }))).toBe(
      'ERR_TOKEN_CLAIM',
    );
    expect(await codeOf(verifyJwt(token, jwks, { ...verifyOptions, requiredClaims: ['sid'] }))).toBe(
      'ERR_TOKEN_CLAIM',
    );
    await expect(verifyJwt(token, jwks, { ...verifyOptions, subject: 'user-1' })).resolves.toBeTruthy();
  });

  it('names the failing claim on the error', async () => {
    const token = await sign(keys.ed, { audience: 'node-studio' });
    await expect(verifyJwt(token, jwks, verifyOptions)).rejects.toMatchObject({
      name: 'AuthError',
      code: 'ERR_TOKEN_AUDIENCE',
      claim: 'aud',
    });
  });
});

describe('verifyJwt with single keys and resolvers', () => {
  it('checks kid and alg against an imported key', async () => {
    const imported = await importJwk(keys.ed);
    const other = await sign(keys.ed2);
    const rsaUnderEdKid = await rawSign({ alg: 'RS256', kid: keys.ed.kid }, baseClaims(), keys.rsa);
    expect(await codeOf(verifyJwt(other, imported, verifyOptions))).toBe('ERR_TOKEN_KID');
    expect(await codeOf(verifyJwt(rsaUnderEdKid, imported, verifyOptions))).toBe('ERR_TOKEN_ALG');
  });

  it('refuses a token whose alg the bare key cannot do', async () => {
    const imported = await importJwk(keys.ed);
    const rsaToken = await sign(keys.rsa);
    expect(await codeOf(verifyJwt(rsaToken, imported.publicKey!, verifyOptions))).toBe('ERR_TOKEN_ALG');
  });

  it('maps what a key resolver throws', async () => {
    const token = await sign();
    const wrongType = (await importJwk(keys.rsa)).publicKey!;
    const ambiguous = createLocalJWKSet({
      keys: [
        { ...toPublicJwk(keys.ed), kid: undefined },
        { ...toPublicJwk(keys.ed2), kid: undefined },
      ],
    });
    const untypedToken = await new SignJWT(baseClaims()).setProtectedHeader({ alg: 'EdDSA' }).sign(keys.ed);
    const resolvers: Array<[JWTVerifyGetKey, string, string]> = [
      [async () => wrongType as never, token, 'ERR_TOKEN_ALG'],
      [ambiguous, untypedToken, 'ERR_TOKEN_KID'],
      [createLocalJWKSet({ keys: [toPublicJwk(keys.rsa)] }), token, 'ERR_TOKEN_KID'],
      [
        async () => {
          throw new errors.JWKSTimeout();
        },
        token,
        'ERR_TOKEN_JWKS',
      ],
      [
        async () => {
          throw new errors.JWKSInvalid();
        },
        token,
        'ERR_TOKEN_JWKS',
      ],
      [
        async () => {
          throw new errors.JWKInvalid();
        },
        token,
        'ERR_KEY_INVALID',
      ],
    ];
    for (const [resolver, input, code] of resolvers) {
      expect(await codeOf(verifyJwt(input, resolver, verifyOptions))).toBe(code);
    }
  });

  it('lets infrastructure failures of a resolver through unchanged', async () => {
    const outage = new Error('connect ECONNREFUSED');
    await expect(
      verifyJwt(
        await sign(),
        async () => {
          throw outage;
        },
        verifyOptions,
      ),
    ).rejects.toBe(outage);
  });
});
