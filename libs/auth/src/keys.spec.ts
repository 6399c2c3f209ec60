import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, importJwk, importJwkCached, toPublicJwk, toPublicJwks } from './keys.js';
import { testKeys, type TestKeys } from './test/factories.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

let keys: TestKeys;
beforeAll(async () => {
  keys = await testKeys();
});

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded ${String(error)}`;
  }
  return 'accepted';
}

describe('generateSigningJwk', () => {
  it('makes an Ed25519 private JWK whose kid is its RFC 7638 thumbprint', async () => {
    const { ed } = keys;
    expect(ed).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    expect(typeof ed.d).toBe('string');
    expect(ed.kid).toBe(
      await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: ed.x as string }, 'sha256'),
    );
  });

  it('makes an RSA-2048 private JWK for RS256', async () => {
    const { rsa } = keys;
    expect(rsa).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'sig', alg: 'RS256' });
    expect(Buffer.from(rsa.n as string, 'base64url').length * 8).toBe(2048);
    expect(rsa.kid).toBe(
      await calculateJwkThumbprint({ kty: 'RSA', n: rsa.n as string, e: rsa.e as string }, 'sha256'),
    );
  });

  it('gives every key its own kid', () => {
    expect(new Set([keys.ed.kid, keys.ed2.kid, keys.rsa.kid, keys.attacker.kid]).size).toBe(4);
  });

  it('refuses algorithms it does not sign with and weak RSA', async () => {
    for (const alg of ['HS256', 'none', 'ES256', 'PS256', '']) {
      expect(await codeOf(generateSigningJwk(alg as never))).toBe('ERR_AUTH_CONFIG');
    }
    for (const modulusLength of [1024, 2047, 2048.5, Number.NaN]) {
      expect(await codeOf(generateSigningJwk('RS256', { modulusLength }))).toBe('ERR_AUTH_CONFIG');
    }
  });
});

describe('toPublicJwk and toPublicJwks', () => {
  it('keeps only public members and metadata', () => {
    expect(toPublicJwk(keys.ed)).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: keys.ed.x,
      kid: keys.ed.kid,
      use: 'sig',
      alg: 'EdDSA',
    });
    expect(toPublicJwk(keys.rsa)).toEqual({
      kty: 'RSA',
      n: keys.rsa.n,
      e: keys.rsa.e,
      kid: keys.rsa.kid,
      use: 'sig',
      alg: 'RS256',
    });
  });

  it('never lets a private member through, whatever else the JWK carries', () => {
    const cluttered = {
      ...keys.rsa,
      oth: [{ r: 'x' }],
      k: 'secret',
      priv: 'x',
      key_ops: ['sign'],
      ext: true,
      x5c: ['cert'],
    } as JWK;
    const { keys: published } = toPublicJwks([cluttered, keys.ed]);
    for (const jwk of published) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      expect(jwk).not.toHaveProperty('key_ops');
    }
  });

  it('handles EC keys from other issuers', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    expect(Object.keys(toPublicJwk(jwk)).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('refuses keys without a public form', async () => {
    const bad: unknown[] = [
      { kty: 'oct', k: 'c2VjcmV0' },
      { kty: 'OKP', crv: 'Ed25519' },
      { kty: 'RSA', n: 'abc' },
      { kty: 'XYZ' },
      {},
      null,
    ];
    for (const jwk of bad) expect(await codeOf(() => toPublicJwk(jwk as JWK))).toBe('ERR_KEY_INVALID');
  });
});

describe('importJwk', () => {
  it('imports both halves of a private JWK and only the public half of a public one', async () => {
    const full = await importJwk(keys.ed);
    expect(full).toMatchObject({ kid: keys.ed.kid, alg: 'EdDSA' });
    expect(full.privateKey).toMatchObject({ type: 'private' });
    expect(full.publicKey).toMatchObject({ type: 'public' });
    const half = await importJwk(toPublicJwk(keys.rsa));
    expect(half.privateKey).toBeUndefined();
    expect(half.publicKey).toMatchObject({ type: 'public', algorithm: { modulusLength: 2048 } });
  });

  it('refuses hostile or unfit JWKs', async () => {
    const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
    const { kid: _kid, ...noKid } = keys.ed;
    const bad: Array<[string, unknown]> = [
      ['no kid', noKid],
      ['empty kid', { ...keys.ed, kid: '' }],
      ['encryption key', { ...keys.ed, use: 'enc' }],
      ['EdDSA claimed for RSA', { ...keys.rsa, alg: 'EdDSA' }],
      ['RS256 claimed for Ed25519', { ...keys.ed, alg: 'RS256' }],
      ['HS256', { ...keys.ed, alg: 'HS256' }],
      ['no alg', { ...keys.ed, alg: undefined }],
      ['X25519 curve', { ...keys.ed, crv: 'X25519' }],
      ['symmetric key', { kty: 'oct', k: 'c2VjcmV0', kid: 'k', alg: 'RS256' }],
      ['garbage x', { ...toPublicJwk(keys.ed), x: 'not-a-key' }],
      ['garbage d', { ...keys.ed, d: 'AAAA' }],
      ['1024-bit RSA', { ...weakRsa, kid: 'weak', alg: 'RS256' }],
      ['null', null],
      ['string', 'jwk'],
    ];
    for (const [name, jwk] of bad) {
      expect(`${name}: ${await codeOf(importJwk(jwk as JWK))}`).toBe(`${name}: ERR_KEY_INVALID`);
    }
  });
});

describe('importJwkCached', () => {
  it('imports a JWK object once', async () => {
    const first = importJwkCached(keys.ed2);
    expect(importJwkCached(keys.ed2)).toBe(first);
    expect((await first).kid).toBe(keys.ed2.kid);
  });

  it('does not keep a failed import', async () => {
    const bad = { ...keys.ed, d: 'AAAA' };
    const first = importJwkCached(bad);
    expect(await codeOf(first)).toBe('ERR_KEY_INVALID');
    const second = importJwkCached(bad);
    expect(second).not.toBe(first);
    expect(await codeOf(second)).toBe('ERR_KEY_INVALID');
  });
});
