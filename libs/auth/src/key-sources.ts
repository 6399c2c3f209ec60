import {
  createLocalJWKSet,
  errors,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import { AuthError } from './errors.js';
import { toPublicJwk, type ImportedKey } from './keys.js';

/**
 * Where {@link verifyJwt} finds its key:
 * - a JWKS (private members are dropped; every key needs a distinct `kid`, tokens must name one),
 * - one JWK (treated as a one-key JWKS),
 * - an {@link ImportedKey} (the token's `kid` and `alg` must be the key's),
 * - a bare `CryptoKey` / `KeyObject` (no `kid` check),
 * - a jose key resolver such as `createRemoteJWKSet(jwksUri)` for an upstream IdP.
 *
 * JWKS and JWK objects are imported once and cached by identity; a JWKS whose `keys` array changes
 * (a key added or removed) is imported again, so rotation and revocation take effect at once.
 */
export type VerificationKeys = JSONWebKeySet | JWK | ImportedKey | CryptoKey | KeyObject | JWTVerifyGetKey;

/** What jose's `jwtVerify` accepts as a key. */
export type JoseVerifyKey = CryptoKey | KeyObject | JWTVerifyGetKey;

interface CachedJwks {
  readonly snapshot: readonly JWK[];
  readonly getKey: JWTVerifyGetKey;
}

const jwksCache = new WeakMap<object, CachedJwks>();
const resolverCache = new WeakMap<object, JWTVerifyGetKey>();

/** Turns any {@link VerificationKeys} into what jose verifies with, reusing cached imports. */
export function toJoseVerifyKey(source: VerificationKeys): JoseVerifyKey {
  if (typeof source === 'function') return source;
  if (source === null || typeof source !== 'object') {
    throw new AuthError('ERR_AUTH_CONFIG', 'no verification key given');
  }
  if (isKeyLike(source)) return source;
  if (Array.isArray((source as JSONWebKeySet).keys)) return jwksGetKey(source as JSONWebKeySet);
  if (typeof (source as JWK).kty === 'string') return singleJwkGetKey(source as JWK);
  if (typeof (source as ImportedKey).kid === 'string') return importedKeyGetKey(source as ImportedKey);
  throw new AuthError('ERR_AUTH_CONFIG', 'unrecognised verification key source');
}

function isKeyLike(value: object): value is CryptoKey | KeyObject {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === 'CryptoKey' || tag === 'KeyObject';
}

function jwksGetKey(jwks: JSONWebKeySet): JWTVerifyGetKey {
  const cached = jwksCache.get(jwks);
  if (cached !== undefined && sameKeys(cached.snapshot, jwks.keys)) return cached.getKey;
  const snapshot = [...jwks.keys];
  const getKey = buildJwksResolver(snapshot);
  jwksCache.set(jwks, { snapshot, getKey });
  return getKey;
}

function sameKeys(snapshot: readonly JWK[], keys: readonly JWK[]): boolean {
  return snapshot.length === keys.length && snapshot.every((key, index) => key === keys[index]);
}

function singleJwkGetKey(jwk: JWK): JWTVerifyGetKey {
  let getKey = resolverCache.get(jwk);
  if (getKey === undefined) {
    getKey = buildJwksResolver([jwk]);
    resolverCache.set(jwk, getKey);
  }
  return getKey;
}

function importedKeyGetKey(imported: ImportedKey): JWTVerifyGetKey {
  let getKey = resolverCache.get(imported);
  if (getKey === undefined) {
    const { kid, alg, publicKey } = imported;
    if (publicKey === undefined) {
      throw new AuthError('ERR_AUTH_CONFIG', `key ${kid} has no public half to verify with`);
    }
    getKey = async (header) => {
      if (header.kid !== kid) throw unknownKid(header.kid);
      if (header.alg !== alg) throw new AuthError('ERR_TOKEN_ALG', `key ${kid} does not sign ${header.alg}`);
      return publicKey;
    };
    resolverCache.set(imported, getKey);
  }
  return getKey;
}

/** Resolves keys by `kid` first, so "unknown key" and "key of the wrong type" get distinct codes. */
function buildJwksResolver(keys: readonly JWK[]): JWTVerifyGetKey {
  const byKid = new Map<string, JWK>();
  for (const jwk of keys) {
    const publicJwk = toPublicJwk(jwk);
    if (typeof publicJwk.kid !== 'string' || publicJwk.kid.length === 0) {
      throw new AuthError('ERR_KEY_INVALID', 'every key of a JWKS needs a "kid"');
    }
    if (byKid.has(publicJwk.kid)) {
      throw new AuthError('ERR_KEY_INVALID', `JWKS holds two keys with kid ${publicJwk.kid}`);
    }
    byKid.set(publicJwk.kid, publicJwk);
  }
  const local = createLocalJWKSet({ keys: [...byKid.values()] });
  return async (header, token) => {
    const jwk = typeof header.kid === 'string' ? byKid.get(header.kid) : undefined;
    if (jwk === undefined) throw unknownKid(header.kid);
    try {
      return await local(header, token);
    } catch (error) {
      // The kid exists, so jose found no key only because its type or alg does not fit the header's alg.
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw new AuthError('ERR_TOKEN_ALG', `key ${jwk.kid} does not sign ${header.alg}`, { cause: error });
      }
      throw new AuthError('ERR_KEY_INVALID', `key ${jwk.kid} cannot be imported`, { cause: error });
    }
  };
}

function unknownKid(kid: unknown): AuthError {
  return new AuthError(
    'ERR_TOKEN_KID',
    typeof kid === 'string' ? `no key with kid ${JSON.stringify(kid.slice(0, 64))}` : 'token names no kid',
    { claim: 'kid' },
  );
}
