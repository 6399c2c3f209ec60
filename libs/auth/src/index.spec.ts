import { describe, expect, it } from 'vitest';
import * as auth from './index.js';

describe('@atrium/auth public API', () => {
  it('exports every operation from one index', () => {
    const operations = [
      'generateSigningJwk',
      'importJwk',
      'importJwkCached',
      'toPublicJwk',
      'toPublicJwks',
      'toJoseVerifyKey',
      'signJwt',
      'verifyJwt',
      'signLogoutToken',
      'verifyLogoutToken',
      'hashPassword',
      'verifyPassword',
      'verifyDummy',
      'needsRehash',
      'generateTotpSecret',
      'generateTotpCode',
      'totpUri',
      'verifyTotp',
      'generateRecoveryCodes',
      'hashRecoveryCode',
      'consumeRecoveryCode',
      'generateCodeVerifier',
      'codeChallengeS256',
      'assertCodeChallenge',
      'verifyPkce',
      'generateSecretToken',
      'digestSecret',
      'secretMatchesDigest',
      'safeEqual',
      'isDigest',
      'parseSecretKey',
      'generateSecretKey',
      'isAuthError',
      'assertVerifyAlgorithms',
      'isSigningAlg',
      'epochSeconds',
    ] as const;
    for (const name of operations) expect(typeof auth[name], name).toBe('function');
    expect(auth.AuthError.prototype).toBeInstanceOf(Error);
    expect(typeof auth.SecretKey.parse).toBe('function');
  });

  it('exports the constants callers configure against', () => {
    expect(auth.PASSWORD_HASH_PARAMS).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect([auth.TOTP_PERIOD, auth.TOTP_DIGITS, auth.TOTP_WINDOW]).toEqual([30, 6, 1]);
    expect([auth.MAX_CLOCK_TOLERANCE, auth.MAX_LOGOUT_TOKEN_LIFETIME]).toEqual([60, 120]);
    expect(auth.SIGNING_ALGORITHMS).toEqual(['EdDSA', 'RS256']);
    expect(auth.VERIFY_ALGORITHMS.has('none')).toBe(false);
    expect(auth.VERIFY_ALGORITHMS.has('HS256')).toBe(false);
    expect(auth.LOGOUT_TOKEN_TYP).toBe('logout+jwt');
    expect(auth.PKCE_METHOD).toBe('S256');
  });
});
