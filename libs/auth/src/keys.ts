import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type KeyObject,
} from 'jose';
import { isSigningAlg, type SigningAlg } from './algorithms.js';
import { AuthError } from './errors.js';

/** A private signing JWK as Atrium stores it (encrypted at rest) and hands to oidc-provider. */
export interface SigningJwk extends JWK {
  kty: 'OKP' | 'RSA';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

/**
 * A key imported once for the hot path. `privateKey` signs, `publicKey` verifies; either may be a
 * WebCrypto `CryptoKey` or a Node `KeyObject`, so callers holding raw keys can build one directly.
 */
export interface ImportedKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey?: CryptoKey | KeyObject;
  readonly publicKey?: CryptoKey | KeyObject;
}

/** Options of {@link generateSigningJwk}. */
export interface GenerateSigningJwkOptions {
  /** RSA modulus length in bits (RS256 only); at least 2048, the default. */
  modulusLength?: number;
}

/** The smallest RSA modulus accepted anywhere in this library. */
export const MIN_RSA_MODULUS_BITS = 2048;

// Whitelist, not blacklist: a member this list does not name never reaches a public JWKS.
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['crv', 'x'],
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
};
const PUBLIC_METADATA = ['kid', 'use', 'alg'] as const;

const importCache = new WeakMap<object, Promise<ImportedKey>>();

/**
 * Generates an extractable key pair for `alg` (`EdDSA` → Ed25519, `RS256` → RSA) and returns its
 * private JWK with `kid` (the RFC 7638 SHA-256 thumbprint), `use: "sig"` and `alg`.
 */
export async function generateSigningJwk(
  alg: SigningAlg,
  options: GenerateSigningJwkOptions = {},
): Promise<SigningJwk> {
  if (!isSigningAlg(alg)) {
    throw new AuthError('ERR_AUTH_CONFIG', `cannot generate keys for algorithm ${String(alg)}`);
  }
  const modulusLength = options.modulusLength ?? MIN_RSA_MODULUS_BITS;
  if (!Number.isSafeInteger(modulusLength) || modulusLength < MIN_RSA_MODULUS_BITS) {
    throw new AuthError('ERR_AUTH_CONFIG', `RSA modulus must be at least ${MIN_RSA_MODULUS_BITS} bits`);
  }
  const { privateKey } = await generateKeyPair(
    alg,
    alg === 'RS256' ? { extractable: true, modulusLength } : { extractable: true, crv: 'Ed25519' },
  );
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, use: 'sig', alg } as SigningJwk;
}

/** The public part of `jwk`: key-type members plus `kid`, `use`, `alg`, never a private member. */
export function toPublicJwk(jwk: JWK): JWK {
  const members = typeof jwk?.kty === 'string' ? PUBLIC_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) {
    throw new AuthError('ERR_KEY_INVALID', `JWK key type ${String(jwk?.kty)} has no public form`);
  }
  const source = jwk as Record<string, unknown>;
  const out: Record<string, unknown> = { kty: jwk.kty };
  for (const name of members) {
    if (typeof source[name] !== 'string') {
      throw new AuthError('ERR_KEY_INVALID', `JWK is missing its "${name}" member`);
    }
    out[name] = source[name];
  }
  for (const name of PUBLIC_METADATA) {
    if (source[name] !== undefined) out[name] = source[name];
  }
  return out as JWK;
}

/** A JWKS of the public parts of `keys`, fit for a `jwks_uri` response. */
export function toPublicJwks(keys: readonly JWK[]): JSONWebKeySet {
  return { keys: keys.map(toPublicJwk) };
}

/**
 * Imports a signing JWK (private or public) once: checks `kid`, that `alg` is EdDSA on Ed25519 or
 * RS256 on RSA of at least 2048 bits, and returns both halves that are present.
 */
export async function importJwk(jwk: JWK): Promise<ImportedKey> {
  const { kid, alg } = assertSigningJwk(jwk);
  const publicKey = await importOrFail(toPublicJwk(jwk), alg);
  assertModulusLength(publicKey);
  const isPrivate = typeof (jwk as { d?: unknown }).d === 'string';
  const privateKey = isPrivate ? await importOrFail(jwk, alg) : undefined;
  return { kid, alg, publicKey, ...(privateKey === undefined ? {} : { privateKey }) };
}

/**
 * {@link importJwk} cached by object identity, so a JWK read once at start is imported once.
 * A failed import is not cached.
 */
export function importJwkCached(jwk: JWK): Promise<ImportedKey> {
  let pending = importCache.get(jwk);
  if (pending === undefined) {
    pending = importJwk(jwk);
    importCache.set(jwk, pending);
    pending.catch(() => importCache.delete(jwk));
  }
  return pending;
}

function assertSigningJwk(jwk: JWK): { kid: string; alg: SigningAlg } {
  if (jwk === null || typeof jwk !== 'object') {
    throw new AuthError('ERR_KEY_INVALID', 'JWK must be an object');
  }
  const { kid, alg, kty, crv, use } = jwk;
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new AuthError('ERR_KEY_INVALID', 'JWK needs a "kid"');
  }
  if (use !== undefined && use !== 'sig') {
    throw new AuthError('ERR_KEY_INVALID', `JWK ${kid} is not a signing key`);
  }
  const fits = (alg === 'EdDSA' && kty === 'OKP' && crv === 'Ed25519') || (alg === 'RS256' && kty === 'RSA');
  if (!fits) {
    throw new AuthError(
      'ERR_KEY_INVALID',
      `JWK ${kid}: alg ${String(alg)} does not fit key type ${String(kty)}`,
    );
  }
  return { kid, alg: alg as SigningAlg };
}

async function importOrFail(jwk: JWK, alg: SigningAlg): Promise<CryptoKey> {
  try {
    return (await importJWK(jwk, alg)) as CryptoKey;
  } catch (cause) {
    throw new AuthError('ERR_KEY_INVALID', `JWK ${String(jwk.kid)} cannot be imported`, { cause });
  }
}

function assertModulusLength(key: CryptoKey): void {
  const { modulusLength } = key.algorithm as { modulusLength?: number };
  if (modulusLength !== undefined && modulusLength < MIN_RSA_MODULUS_BITS) {
    throw new AuthError('ERR_KEY_INVALID', `RSA keys need at least ${MIN_RSA_MODULUS_BITS} bits`);
  }
}
