import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD, generateTotpCode, generateTotpSecret, totpUri, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the ASCII secret "12345678901234567890" (HMAC-SHA-1), here in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

const at = (seconds: number) => new Date(seconds * 1000);
// A step boundary: the first second of step STEP.
const STEP = 59_000_000;
const START = STEP * TOTP_PERIOD;
const codeAt = (step: number, secret = RFC_SECRET) => generateTotpCode(secret, at(step * TOTP_PERIOD + 7));

async function outcome(promise: Promise<number>): Promise<number | string> {
  try {
    return await promise;
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

describe('generateTotpSecret and totpUri', () => {
  it('makes distinct 160-bit base32 secrets', () => {
    const secrets = Array.from({ length: 5 }, generateTotpSecret);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new Set(secrets).size).toBe(5);
  });

  it('writes an otpauth URI an authenticator app understands', () => {
    const uri = new URL(
      totpUri({ secret: RFC_SECRET, issuer: 'Atrium Portal', account: 'alice@example.org' }),
    );
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Atrium Portal:alice@example.org');
    expect(uri.searchParams.get('secret')).toBe(RFC_SECRET);
    expect(uri.searchParams.get('issuer')).toBe('Atrium Portal');
    for (const [name, value] of [
      ['algorithm', 'SHA1'],
      ['digits', '6'],
      ['period', '30'],
    ]) {
      expect([null, value]).toContain(uri.searchParams.get(name!));
    }
  });

  it('refuses a URI without issuer or account, or with a bad secret', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(codeOf(() => totpUri({ secret: RFC_SECRET, issuer: '', account: 'a' }))).toBe('ERR_AUTH_CONFIG');
    expect(codeOf(() => totpUri({ secret: RFC_SECRET, issuer: 'A', account: '' }))).toBe('ERR_AUTH_CONFIG');
    for (const secret of ['not base32!', 'JBSWY3DPEHPK3PXP', '', null]) {
      expect(codeOf(() => totpUri({ secret: secret as string, issuer: 'A', account: 'a' }))).toBe(
        'ERR_TOTP_SECRET',
      );
    }
  });
});

describe('TOTP codes', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 at t = %i', async (seconds, code) => {
    expect(await generateTotpCode(RFC_SECRET, at(seconds))).toBe(code);
    expect(await verifyTotp(RFC_SECRET, code, { now: at(seconds) })).toBe(Math.floor(seconds / TOTP_PERIOD));
  });

  it('refuses unreadable or too short secrets with ERR_TOTP_SECRET', async () => {
    for (const secret of ['not base32!', 'JBSWY3DPEHPK3PXP', '']) {
      expect(await outcome(verifyTotp(secret, '123456', { now: at(START) }))).toBe('ERR_TOTP_SECRET');
      await expect(generateTotpCode(secret, at(START))).rejects.toMatchObject({ code: 'ERR_TOTP_SECRET' });
    }
  });

  it('uses the current time when none is given', async () => {
    const secret = generateTotpSecret();
    const step = await verifyTotp(secret, await generateTotpCode(secret));
    expect(Math.abs(step - Math.floor(Date.now() / 1000 / TOTP_PERIOD))).toBeLessThanOrEqual(1);
  });
});

describe('verifyTotp window (frozen clock)', () => {
  it('accepts the previous, current and next step at the first second of a step', async () => {
    for (const step of [STEP - 1, STEP, STEP + 1]) {
      expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(step), { now: at(START) }))).toBe(step);
    }
  });

  it('refuses two steps away on either side, at both edges of a step', async () => {
    for (const now of [START, START + TOTP_PERIOD - 1]) {
      for (const step of [STEP - 2, STEP + 2]) {
        expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(step), { now: at(now) }))).toBe(
          'ERR_TOTP_INVALID',
        );
      }
    }
  });

  it('moves the window exactly at the step boundary', async () => {
    const previous = await codeAt(STEP - 1);
    expect(await outcome(verifyTotp(RFC_SECRET, previous, { now: at(START + TOTP_PERIOD - 1) }))).toBe(
      STEP - 1,
    );
    expect(await outcome(verifyTotp(RFC_SECRET, previous, { now: at(START + TOTP_PERIOD) }))).toBe(
      'ERR_TOTP_INVALID',
    );
  });

  it('accepts a code typed with spaces', async () => {
    const code = await codeAt(STEP);
    expect(await verifyTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, { now: at(START) })).toBe(
      STEP,
    );
  });

  it('refuses malformed codes as invalid', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６', null, 123456]) {
      expect(await outcome(verifyTotp(RFC_SECRET, code as string, { now: at(START) }))).toBe(
        'ERR_TOTP_INVALID',
      );
    }
  });
});

describe('verifyTotp replay', () => {
  it('refuses the step it just accepted, and any earlier one', async () => {
    const now = { now: at(START) };
    const lastUsedStep = await verifyTotp(RFC_SECRET, await codeAt(STEP), now);
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP), { ...now, lastUsedStep }))).toBe(
      'ERR_TOTP_REPLAY',
    );
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP - 1), { ...now, lastUsedStep }))).toBe(
      'ERR_TOTP_REPLAY',
    );
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP + 1), { ...now, lastUsedStep }))).toBe(
      STEP + 1,
    );
  });

  it('refuses every code in the window when the stored step is ahead of the clock', async () => {
    const now = { now: at(START), lastUsedStep: STEP + 5 };
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP), now))).toBe('ERR_TOTP_REPLAY');
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP + 1), now))).toBe('ERR_TOTP_REPLAY');
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP + 3), now))).toBe('ERR_TOTP_INVALID');
  });

  it('tells a wrong code from a replayed one', async () => {
    const options = { now: at(START), lastUsedStep: STEP };
    expect(await outcome(verifyTotp(RFC_SECRET, await codeAt(STEP - 3), options))).toBe('ERR_TOTP_INVALID');
  });

  it('treats a null lastUsedStep as none and refuses nonsense', async () => {
    const code = await codeAt(STEP);
    expect(await outcome(verifyTotp(RFC_SECRET, code, { now: at(START), lastUsedStep: null }))).toBe(STEP);
    for (const lastUsedStep of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await outcome(verifyTotp(RFC_SECRET, code, { now: at(START), lastUsedStep }))).toBe(
        'ERR_AUTH_CONFIG',
      );
    }
  });
});
