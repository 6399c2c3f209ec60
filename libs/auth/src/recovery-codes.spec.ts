import { describe, expect, it } from 'vitest';
import { consumeRecoveryCode, generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

describe('generateRecoveryCodes', () => {
  it('makes ten distinct 80-bit codes in four groups of Crockford base32', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  });

  it('makes as many as asked, within bounds', () => {
    expect(generateRecoveryCodes(1)).toHaveLength(1);
    for (const count of [0, -1, 101, 2.5, Number.NaN]) {
      expect(codeOf(() => generateRecoveryCodes(count))).toBe('ERR_AUTH_CONFIG');
    }
  });
});

describe('hashRecoveryCode', () => {
  it('hashes every way of typing the same code alike', () => {
    const stored = hashRecoveryCode('7hq2-x9kd-m3vt-0p81');
    for (const typed of [
      '7HQ2-X9KD-M3VT-0P81',
      '7hq2 x9kd m3vt 0p81',
      '7hq2x9kdm3vt0p81',
      '7hq2-x9kd-m3vt-Op8l',
      ' 7hq2-x9kd-m3vt-0p8I ',
    ]) {
      expect(hashRecoveryCode(typed)).toBe(stored);
    }
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashRecoveryCode('7hq2-x9kd-m3vt-0p82')).not.toBe(stored);
  });

  it('refuses what cannot be a recovery code', () => {
    for (const code of [
      '',
      'short',
      '7hq2-x9kd-m3vt-0p8',
      '7hq2-x9kd-m3vt-0p812',
      '7hq2-x9kd-m3vt-0p8u',
      '7hq2-x9kd-m3vt-0p8!',
      'a'.repeat(65),
      null,
    ]) {
      expect(codeOf(() => hashRecoveryCode(code as string))).toBe('ERR_RECOVERY_CODE_INVALID');
    }
  });
});

describe('consumeRecoveryCode', () => {
  const codes = generateRecoveryCodes(3);
  const hashes = codes.map(hashRecoveryCode);

  it('returns the stored list without the code used', () => {
    expect(consumeRecoveryCode(hashes, codes[1]!)).toEqual([hashes[0], hashes[2]]);
    expect(consumeRecoveryCode(hashes, codes[0]!.toUpperCase())).toEqual([hashes[1], hashes[2]]);
  });

  it('refuses a code already used', () => {
    const remaining = consumeRecoveryCode(hashes, codes[2]!);
    expect(codeOf(() => consumeRecoveryCode(remaining, codes[2]!))).toBe('ERR_RECOVERY_CODE_INVALID');
    const last = consumeRecoveryCode(consumeRecoveryCode(remaining, codes[0]!), codes[1]!);
    expect(last).toEqual([]);
    expect(codeOf(() => consumeRecoveryCode(last, codes[1]!))).toBe('ERR_RECOVERY_CODE_INVALID');
  });

  it('refuses unknown and malformed codes', () => {
    const [stranger] = generateRecoveryCodes(1);
    for (const code of [stranger, '', 'nope', null, hashes[0]]) {
      expect(codeOf(() => consumeRecoveryCode(hashes, code as string))).toBe('ERR_RECOVERY_CODE_INVALID');
    }
  });

  it('skips stored entries that are not digests', () => {
    const messy = ['garbage', '', hashes[0]!.slice(1), ...hashes];
    expect(consumeRecoveryCode(messy, codes[0]!)).toEqual([
      'garbage',
      '',
      hashes[0]!.slice(1),
      hashes[1],
      hashes[2],
    ]);
  });
});
