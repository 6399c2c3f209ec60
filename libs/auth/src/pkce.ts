import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError } from './errors.js';

/** The only PKCE method Atrium accepts (docs/contracts.md §1: `plain` is refused). */
export const PKCE_METHOD = 'S256';
// RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~].
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
// base64url of a SHA-256 digest: 43 characters, no padding.
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** The authorization request's side and the token request's side of one PKCE exchange. */
export interface PkceCheck {
  /** `code_challenge` stored with the authorization code. */
  challenge: string | undefined | null;
  /** `code_challenge_method` stored with the authorization code. */
  method: string | undefined | null;
  /** `code_verifier` sent to the token endpoint. */
  verifier: string | undefined | null;
}

/** A new code verifier: `bytes` random bytes (32–96, default 32) as base64url, 43–128 characters. */
export function generateCodeVerifier(bytes = 32): string {
  if (!Number.isSafeInteger(bytes) || bytes < 32 || bytes > 96) {
    throw new AuthError('ERR_AUTH_CONFIG', 'a code verifier carries 32 to 96 random bytes');
  }
  return randomBytes(bytes).toString('base64url');
}

/** `BASE64URL(SHA256(verifier))`, the S256 `code_challenge`; refuses a malformed verifier. */
export function codeChallengeS256(verifier: string): string {
  return sha256Verifier(verifier).toString('base64url');
}

/**
 * Checks an authorization request's PKCE parameters: a challenge is required (`ERR_PKCE_MISSING`),
 * its method must be `S256` — absent means `plain` — (`ERR_PKCE_METHOD`) and it must be 43
 * base64url characters (`ERR_PKCE_MALFORMED`).
 */
export function assertCodeChallenge(
  challenge: string | undefined | null,
  method: string | undefined | null,
): asserts challenge is string {
  if (challenge === undefined || challenge === null || challenge === '') {
    throw new AuthError('ERR_PKCE_MISSING', 'code_challenge is required');
  }
  if (method !== PKCE_METHOD) {
    throw new AuthError('ERR_PKCE_METHOD', 'code_challenge_method must be S256');
  }
  if (typeof challenge !== 'string' || !CHALLENGE.test(challenge)) {
    throw new AuthError('ERR_PKCE_MALFORMED', 'code_challenge must be 43 base64url characters');
  }
}

/**
 * Checks a token request's `code_verifier` against the stored challenge, in constant time. A code
 * issued without a challenge is refused even when a verifier is sent (`ERR_PKCE_MISSING`), as is a
 * missing verifier; a wrong one throws `ERR_PKCE_MISMATCH`.
 */
export function verifyPkce({ challenge, method, verifier }: PkceCheck): void {
  assertCodeChallenge(challenge, method);
  if (verifier === undefined || verifier === null || verifier === '') {
    throw new AuthError('ERR_PKCE_MISSING', 'code_verifier is required');
  }
  const expected = Buffer.from(challenge, 'base64url');
  if (!timingSafeEqual(sha256Verifier(verifier), expected)) {
    throw new AuthError('ERR_PKCE_MISMATCH', 'code_verifier does not match code_challenge');
  }
}

function sha256Verifier(verifier: string): Buffer {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) {
    throw new AuthError('ERR_PKCE_MALFORMED', 'code_verifier must be 43–128 characters of [A-Za-z0-9-._~]');
  }
  return createHash('sha256').update(verifier, 'ascii').digest();
}
