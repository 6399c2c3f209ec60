import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { AuthError } from './errors.js';

/** argon2id cost parameters (OWASP: m = 19 MiB, t = 2, p = 1; docs/contracts.md §4). */
export const PASSWORD_HASH_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Longest password accepted, in UTF-8 bytes after normalization. */
export const MAX_PASSWORD_BYTES = 1024;

// Numeric values of @node-rs/argon2's const enums, which isolatedModules cannot reference.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;
const OUTPUT_LENGTH = 32;
// Caps on parameters read back from a stored hash, so a tampered row cannot make us allocate gigabytes.
const STORED_LIMITS = { memoryCost: 262_144, timeCost: 16, parallelism: 16 } as const;

/**
 * An argon2id hash with the current parameters whose password belongs to no account; verifying
 * against it costs what a real verification costs.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$KcyAms/OKZNGUTj4wDku9A$MK6GTF5tC5YSro/x4OG8oMRaoc4rN3p/1QijphW+RPA';

/**
 * Hashes a password with argon2id in libuv's thread pool (off the event loop). Refuses an empty
 * password (`ERR_PASSWORD_EMPTY`) and one over {@link MAX_PASSWORD_BYTES} (`ERR_PASSWORD_TOO_LONG`).
 */
export async function hashPassword(password: string): Promise<string> {
  const normalized = normalizePassword(password);
  if (normalized.length === 0) throw new AuthError('ERR_PASSWORD_EMPTY', 'password is empty');
  if (Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AuthError('ERR_PASSWORD_TOO_LONG', `password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  return hash(normalized, {
    ...PASSWORD_HASH_PARAMS,
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    outputLen: OUTPUT_LENGTH,
  });
}

/**
 * True when `password` matches `storedHash`. Never throws: a malformed or foreign hash, an
 * oversized parameter set, an empty or over-long password all answer `false`.
 */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const normalized = normalizePassword(password);
  if (normalized.length === 0 || Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) return false;
  if (!isVerifiableHash(storedHash)) return false;
  try {
    return await verify(storedHash, normalized);
  } catch {
    return false;
  }
}

/**
 * Does for an unknown user exactly what {@link verifyPassword} does for a known one (same input
 * checks, one argon2id verification against {@link DUMMY_PASSWORD_HASH}), then answers `false`.
 */
export async function verifyDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_PASSWORD_HASH);
  return false;
}

/** True when `storedHash` is not argon2id with the current parameters (or cannot be read). */
export function needsRehash(storedHash: string): boolean {
  const params = readParams(storedHash);
  return (
    params === undefined ||
    params.algorithm !== ARGON2ID ||
    params.version !== VERSION_0X13 ||
    params.outputLen !== OUTPUT_LENGTH ||
    params.memoryCost !== PASSWORD_HASH_PARAMS.memoryCost ||
    params.timeCost !== PASSWORD_HASH_PARAMS.timeCost ||
    params.parallelism !== PASSWORD_HASH_PARAMS.parallelism
  );
}

// NIST SP 800-63B: normalize so the same password typed on another keyboard or OS still matches.
function normalizePassword(password: string): string {
  return typeof password === 'string' ? password.normalize('NFKC') : '';
}

function isVerifiableHash(storedHash: string): boolean {
  const params = readParams(storedHash);
  return (
    params !== undefined &&
    params.algorithm === ARGON2ID &&
    params.memoryCost <= STORED_LIMITS.memoryCost &&
    params.timeCost <= STORED_LIMITS.timeCost &&
    params.parallelism <= STORED_LIMITS.parallelism
  );
}

function readParams(storedHash: string): ReturnType<typeof parseOptions> | undefined {
  if (typeof storedHash !== 'string') return undefined;
  try {
    return parseOptions(storedHash);
  } catch {
    return undefined;
  }
}
