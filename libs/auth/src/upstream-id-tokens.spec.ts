import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from './errors.js';
import { verifyUpstreamIdToken, type VerifyUpstreamIdTokenOptions } from './upstream-id-tokens.js';

const ISSUER = 'https://idp.example.org/realms/corp';
const CLIENT = 'atrium-portal';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = new Date('2026-12-06T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let rsa: Key;
let rsaJwk: JWK;
let foreign: Key;
let ec: Key;
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  rsa = pair.privateKey;
  rsaJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  foreign = (await generateKeyPair('RS256')).privateKey;
  const ecPair = await generateKeyPair('ES256', { extractable: true });
  ec = ecPair.privateKey;
  const ecJwk = { ...(await exportJWK(ecPair.publicKey)), kid: 'e1', alg: 'ES256' };
  keys = createLocalJWKSet({ keys: [rsaJwk, ecJwk] });
});

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  aud: CLIENT,
  sub: 'f4c1-42',
  iat: NOW_S - 5,
  exp: NOW_S + 300,
  nonce: NONCE,
  ...overrides,
});

function sign(payload: JWTPayload, key: Key = rsa, header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(key);
}

const options = (overrides: Partial<VerifyUpstreamIdTokenOptions> = {}): VerifyUpstreamIdTokenOptions => ({
  issuer: ISSUER,
  clientId: CLIENT,
  algorithms: ['RS256'],
  nonce: NONCE,
  now: NOW,
  ...overrides,
});

async function codeOf(token: string | Promise<string>, opts = options()): Promise<string> {
  try {
    await verifyUpstreamIdToken(await token, keys, opts);
    return 'ok';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('verifyUpstreamIdToken', () => {
  it('accepts a token of this provider, for this client, with this sign-in’s nonce', async () => {
    const verified = await verifyUpstreamIdToken(await sign(claims({ groups: ['a'] })), keys, options());
    expect(verified).toMatchObject({ iss: ISSUER, sub: 'f4c1-42', nonce: NONCE, groups: ['a'] });
  });

  it('accepts several audiences only when we are the authorized party', async () => {
    expect(await codeOf(sign(claims({ aud: [CLIENT, 'other'], azp: CLIENT })))).toBe('ok');
    expect(await codeOf(sign(claims({ aud: [CLIENT, 'other'] })))).toBe('ERR_TOKEN_AUDIENCE');
    expect(await codeOf(sign(claims({ azp: 'other' })))).toBe('ERR_TOKEN_AUDIENCE');
  });

  it('refuses each way a token can be wrong, with its own code', async () => {
    const cases: [string, Promise<string>, string][] = [
      ['another audience', sign(claims({ aud: 'someone-else' })), 'ERR_TOKEN_AUDIENCE'],
      ['another issuer', sign(claims({ iss: 'https://evil.example' })), 'ERR_TOKEN_ISSUER'],
      ['an issuer with a trailing slash', sign(claims({ iss: `${ISSUER}/` })), 'ERR_TOKEN_ISSUER'],
      ['expired', sign(claims({ exp: NOW_S - 120 })), 'ERR_TOKEN_EXPIRED'],
      ['no nonce', sign(claims({ nonce: undefined })), 'ERR_TOKEN_NONCE'],
      ['another nonce', sign(claims({ nonce: 'replayed' })), 'ERR_TOKEN_NONCE'],
      ['no sub', sign(claims({ sub: undefined })), 'ERR_TOKEN_CLAIM'],
      ['a huge sub', sign(claims({ sub: 'x'.repeat(256) })), 'ERR_TOKEN_CLAIM'],
      ['a key not in the JWKS', sign(claims(), foreign, { kid: 'unknown' }), 'ERR_TOKEN_KID'],
      ['a foreign key under a known kid', sign(claims(), foreign), 'ERR_TOKEN_SIGNATURE'],
      ['an algorithm not pinned', sign(claims(), ec, { alg: 'ES256', kid: 'e1' }), 'ERR_TOKEN_ALG'],
      ['alg none', Promise.resolve(unsigned(claims())), 'ERR_TOKEN_ALG'],
      ['garbage', Promise.resolve('not.a.jwt'), 'ERR_TOKEN_MALFORMED'],
      ['an empty string', Promise.resolve(''), 'ERR_TOKEN_MALFORMED'],
    ];
    for (const [name, token, code] of cases) expect(await codeOf(token), name).toBe(code);
  });

  it('tolerates a little clock skew, and no more than it is told', async () => {
    const late = sign(claims({ exp: NOW_S - 10 }));
    expect(await codeOf(late)).toBe('ok');
    expect(await codeOf(late, options({ clockTolerance: 0 }))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('refuses a configuration that would weaken the checks', async () => {
    const token = await sign(claims());
    for (const bad of [
      options({ algorithms: [] }),
      options({ algorithms: ['HS256'] }),
      options({ algorithms: ['none'] }),
      options({ nonce: '' }),
      options({ clientId: '' }),
      options({ issuer: '' }),
      options({ clockTolerance: 3600 }),
    ]) {
      await expect(verifyUpstreamIdToken(token, keys, bad)).rejects.toMatchObject({
        code: 'ERR_AUTH_CONFIG',
      });
    }
  });
});

function unsigned(payload: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}
