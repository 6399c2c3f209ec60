import { describe, expect, it } from 'vitest';
import { AuthError, isAuthError } from './errors.js';

describe('AuthError', () => {
  it('carries a stable code, the claim at fault and its cause', () => {
    const cause = new Error('inner');
    const error = new AuthError('ERR_TOKEN_CLAIM', 'bad claim', { cause, claim: 'sid' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'AuthError',
      code: 'ERR_TOKEN_CLAIM',
      claim: 'sid',
      message: 'bad claim',
      cause,
    });
    expect(new AuthError('ERR_TOTP_INVALID', 'no')).not.toHaveProperty('cause');
  });

  it('is recognised by isAuthError, optionally by code', () => {
    const error = new AuthError('ERR_PKCE_MISMATCH', 'no');
    expect(isAuthError(error)).toBe(true);
    expect(isAuthError(error, 'ERR_PKCE_MISMATCH')).toBe(true);
    expect(isAuthError(error, 'ERR_PKCE_MISSING')).toBe(false);
    expect(isAuthError(Object.assign(new Error('x'), { code: 'ERR_PKCE_MISMATCH' }))).toBe(false);
    expect(isAuthError(null)).toBe(false);
  });
});
