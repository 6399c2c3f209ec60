import { describe, expect, it } from 'vitest';
import { digestSecret, generateSecretToken, isDigest, safeEqual, secretMatchesDigest } from './secrets.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

describe('generateSecretToken', () => {
  it('makes distinct base64url tokens of at least 256 bits', () => {
    const tokens = Array.from({ length: 20 }, () => generateSecretToken());
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(20);
    expect(Buffer.from(generateSecretToken(48), 'base64url')).toHaveLength(48);
  });

  it('refuses fewer than 32 bytes, or nonsense', () => {
    for (const bytes of [16, 31, 0, -1, 1025, 32.5, Number.NaN]) {
      expect(codeOf(() => generateSecretToken(bytes))).toBe('ERR_AUTH_CONFIG');
    }
  });
});

describe('digests of secrets', () => {
  it('is SHA-256 in base64url', () => {
    expect(digestSecret('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('matches the right secret and nothing else', () => {
    const secret = generateSecretToken();
    const stored = digestSecret(secret);
    expect(secretMatchesDigest(secret, stored)).toBe(true);
    expect(secretMatchesDigest(`${secret}x`, stored)).toBe(false);
    expect(secretMatchesDigest(secret.slice(1), stored)).toBe(false);
    expect(secretMatchesDigest(stored, stored)).toBe(false);
  });

  it('answers false for malformed stored digests or secrets', () => {
    const secret = generateSecretToken();
    const stored = digestSecret(secret);
    // The last of 43 characters carries 4 digest bits and 2 unused ones: flipping one unused bit
    // spells the same bytes another way.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = stored.slice(0, -1) + alphabet[alphabet.indexOf(stored.at(-1)!) ^ 1];
    expect(Buffer.from(nonCanonical, 'base64url')).toEqual(Buffer.from(stored, 'base64url'));
    for (const digest of [
      nonCanonical,
      '',
      'abc',
      `${stored}A`,
      stored.slice(1),
      `${stored.slice(0, -1)}=`,
      `${stored.slice(0, -1)}+`,
      null,
      42,
    ]) {
      expect(secretMatchesDigest(secret, digest as string)).toBe(false);
    }
    expect(isDigest(stored)).toBe(true);
    expect(isDigest(nonCanonical)).toBe(false);
    expect(secretMatchesDigest(null as never, stored)).toBe(false);
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('state-123', 'state-123')).toBe(true);
    expect(safeEqual('state-123', 'state-124')).toBe(false);
    expect(safeEqual('short', 'a much longer string')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('x', null as never)).toBe(false);
    expect(safeEqual(undefined as never, 'x')).toBe(false);
  });
});
