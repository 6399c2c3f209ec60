import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError } from './errors.js';

/** Fewest random bytes in a generated secret token (256 bits). */
export const MIN_SECRET_TOKEN_BYTES = 32;
const SHA256_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A random token of `bytes` random bytes (at least 32, the default), base64url without padding. */
export function generateSecretToken(bytes: number = MIN_SECRET_TOKEN_BYTES): string {
  if (!Number.isSafeInteger(bytes) || bytes < MIN_SECRET_TOKEN_BYTES || bytes > 1024) {
    throw new AuthError(
      'ERR_AUTH_CONFIG',
      `secret tokens carry ${MIN_SECRET_TOKEN_BYTES} to 1024 random bytes`,
    );
  }
  return randomBytes(bytes).toString('base64url');
}

/**
 * The SHA-256 digest of a high-entropy secret (client secret, join or reset token), base64url, for
 * storage. A slow hash is not needed at 128+ random bits; never use this for passwords.
 */
export function digestSecret(secret: string): string {
  return sha256(secret).toString('base64url');
}

/** True when `secret` hashes to `storedDigest` (from {@link digestSecret}), compared in constant time. */
export function secretMatchesDigest(secret: string, storedDigest: string): boolean {
  if (typeof secret !== 'string' || !isDigest(storedDigest)) return false;
  return timingSafeEqual(sha256(secret), Buffer.from(storedDigest, 'base64url'));
}

/**
 * Compares two strings in constant time. Both sides are hashed first so the comparison runs on
 * equal-length digests and reveals neither content nor length.
 */
export function safeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return timingSafeEqual(sha256(a), sha256(b));
}

/** True when `value` is a canonical base64url SHA-256 digest as {@link digestSecret} writes it. */
export function isDigest(value: unknown): value is string {
  if (typeof value !== 'string' || !BASE64URL.test(value)) return false;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.length === SHA256_BYTES && bytes.toString('base64url') === value;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
