import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretKey, generateSecretKey, parseSecretKey } from './encryption.js';

const RAW = randomBytes(32);
const KEY_TEXT = RAW.toString('base64');
const AAD = 'signing-key:kid-1';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

function flipFirst(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

describe('parseSecretKey', () => {
  it('accepts 32 bytes of base64 in the usual spellings', () => {
    const sealed = parseSecretKey(KEY_TEXT).encrypt('x', AAD);
    for (const spelling of [
      KEY_TEXT,
      KEY_TEXT.replace(/=+$/, ''),
      RAW.toString('base64url'),
      `${KEY_TEXT}\n`,
      `  ${KEY_TEXT}  `,
    ]) {
      expect(parseSecretKey(spelling).decrypt(sealed, AAD)).toBe('x');
    }
    expect(SecretKey.parse(generateSecretKey())).toBeInstanceOf(SecretKey);
  });

  it('refuses anything else with a message naming the variable, never the value', () => {
    // 32 bytes leave 2 unused bits in the last character: flipping one spells the same key another way.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const nonCanonical = `${KEY_TEXT.slice(0, -2)}${alphabet[alphabet.indexOf(KEY_TEXT.at(-2)!) ^ 1]}=`;
    expect(Buffer.from(nonCanonical, 'base64')).toEqual(RAW);
    const bad = [
      '',
      'not base64!',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(64).toString('hex'),
      nonCanonical,
      `${KEY_TEXT}==`,
      undefined,
      42,
    ];
    for (const value of bad) {
      let error: { code?: string; message?: string } = {};
      try {
        parseSecretKey(value as string);
      } catch (caught) {
        error = caught as typeof error;
      }
      expect(error.code).toBe('ERR_SECRET_KEY_INVALID');
      expect(error.message).toContain('ATRIUM_SECRET_KEY');
      if (typeof value === 'string' && value.length > 0) expect(error.message).not.toContain(value.trim());
    }
    expect(() => parseSecretKey('short', 'NODE_SECRET_KEY')).toThrow(/NODE_SECRET_KEY/);
  });

  it('keeps the key bytes out of logs', () => {
    const key = parseSecretKey(KEY_TEXT);
    expect(JSON.stringify(key)).toBe('{}');
    expect(inspect(key, { showHidden: true })).not.toContain(KEY_TEXT.slice(0, 8));
    expect(Object.keys(key)).toEqual([]);
  });
});

describe('SecretKey.encrypt and decrypt', () => {
  const key = parseSecretKey(KEY_TEXT);

  it('round-trips text, empty text and unicode', () => {
    for (const plaintext of ['{"kty":"OKP","d":"secret"}', '', 'ünïcødé ✓ 🔑']) {
      expect(key.decrypt(key.encrypt(plaintext, AAD), AAD)).toBe(plaintext);
    }
  });

  it('writes a versioned string with a fresh 96-bit IV each time', () => {
    const a = key.encrypt('same', AAD);
    const b = key.encrypt('same', AAD);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(a).not.toBe(b);
  });

  it('refuses a wrong key, other associated data and any tampering with ERR_SECRET_DECRYPT', () => {
    const sealed = key.encrypt('the secret', AAD);
    const [version, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string];
    const otherKey = parseSecretKey(generateSecretKey());
    const cases: Array<[string, () => unknown]> = [
      ['wrong key', () => otherKey.decrypt(sealed, AAD)],
      ['other record', () => key.decrypt(sealed, 'signing-key:kid-2')],
      ['prefix of the record name', () => key.decrypt(sealed, 'signing-key:kid-')],
      ['tampered iv', () => key.decrypt([version, flipFirst(iv), ciphertext, tag].join('.'), AAD)],
      ['tampered ciphertext', () => key.decrypt([version, iv, flipFirst(ciphertext), tag].join('.'), AAD)],
      ['tampered tag', () => key.decrypt([version, iv, ciphertext, flipFirst(tag)].join('.'), AAD)],
      ['truncated ciphertext', () => key.decrypt([version, iv, ciphertext.slice(0, 4), tag].join('.'), AAD)],
      [
        'swapped ciphertext',
        () => key.decrypt([version, iv, key.encrypt('other', AAD).split('.')[2], tag].join('.'), AAD),
      ],
    ];
    for (const [name, run] of cases) expect(`${name}: ${codeOf(run)}`).toBe(`${name}: ERR_SECRET_DECRYPT`);
  });

  it('refuses malformed input with ERR_SECRET_MALFORMED', () => {
    const sealed = key.encrypt('the secret', AAD);
    const [, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonicalTag = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1];
    const bad = [
      '',
      'v1',
      `v2.${iv}.${ciphertext}.${tag}`,
      `V1.${iv}.${ciphertext}.${tag}`,
      `v1.${iv}.${ciphertext}`,
      `v1.${iv}.${ciphertext}.${tag}.extra`,
      `v1.${iv}A.${ciphertext}.${tag}`,
      `v1.${iv.slice(2)}.${ciphertext}.${tag}`,
      `v1.${iv}.${ciphertext}.${tag.slice(3)}`,
      `v1.${iv}.${ciphertext}+.${tag}`,
      `v1.${iv}.${ciphertext}.${nonCanonicalTag}`,
      null,
      42,
    ];
    for (const value of bad)
      expect(codeOf(() => key.decrypt(value as string, AAD))).toBe('ERR_SECRET_MALFORMED');
  });

  it('requires associated data on both sides', () => {
    const sealed = key.encrypt('x', AAD);
    for (const aad of ['', undefined, null]) {
      expect(codeOf(() => key.encrypt('x', aad as string))).toBe('ERR_AUTH_CONFIG');
      expect(codeOf(() => key.decrypt(sealed, aad as string))).toBe('ERR_AUTH_CONFIG');
    }
  });
});
