import { randomInt, timingSafeEqual } from 'node:crypto';
import { AuthError } from './errors.js';
import { digestSecret, isDigest } from './secrets.js';

// Crockford's base32 alphabet: no i, l, o or u, so codes survive being read aloud or copied by hand.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;
const CODE = new RegExp(`^[${ALPHABET}]{${GROUPS * GROUP_LENGTH}}$`);
/** Codes handed out by default at enrolment. */
export const DEFAULT_RECOVERY_CODE_COUNT = 10;

/**
 * `count` recovery codes like `7hq2-x9kd-m3vt-0p8c`: 16 Crockford base32 characters, 80 random
 * bits each. Show them once; store only {@link hashRecoveryCode} of each.
 */
export function generateRecoveryCodes(count: number = DEFAULT_RECOVERY_CODE_COUNT): string[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > 100) {
    throw new AuthError('ERR_AUTH_CONFIG', 'recovery code count must be between 1 and 100');
  }
  return Array.from({ length: count }, generateRecoveryCode);
}

/**
 * The stored form of a recovery code: SHA-256 (base64url) of its normalized form (lower case,
 * without spaces or dashes, Crockford look-alikes o→0, i/l→1). 80 random bits need no slow hash.
 */
export function hashRecoveryCode(code: string): string {
  const normalized = normalizeRecoveryCode(code);
  if (normalized === undefined) throw new AuthError('ERR_RECOVERY_CODE_INVALID', 'not a recovery code');
  return digestSecret(normalized);
}

/**
 * Finds `code` among the stored `hashes` (comparing every one in constant time) and returns the
 * list without it; throws `ERR_RECOVERY_CODE_INVALID` when it is not there (unknown or used).
 *
 * Atomicity is the caller's: write the returned list only if the stored list is still `hashes`
 * (`UPDATE … SET recovery_codes = $new WHERE id = $id AND recovery_codes = $old`, or under
 * `SELECT … FOR UPDATE`), so two concurrent sign-ins cannot both spend the same code.
 */
export function consumeRecoveryCode(hashes: readonly string[], code: string): string[] {
  const normalized = normalizeRecoveryCode(code);
  const candidate = Buffer.from(digestSecret(normalized ?? ''), 'base64url');
  let found = -1;
  hashes.forEach((stored, index) => {
    const matches = isDigest(stored) && timingSafeEqual(candidate, Buffer.from(stored, 'base64url'));
    if (matches && found === -1) found = index;
  });
  if (normalized === undefined || found === -1) {
    throw new AuthError('ERR_RECOVERY_CODE_INVALID', 'recovery code is unknown or already used');
  }
  return hashes.filter((_, index) => index !== found);
}

function generateRecoveryCode(): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

function normalizeRecoveryCode(code: string): string | undefined {
  if (typeof code !== 'string' || code.length > 64) return undefined;
  const normalized = code.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  return CODE.test(normalized) ? normalized : undefined;
}
