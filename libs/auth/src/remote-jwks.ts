import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { AuthError } from './errors.js';

/** A relying party's view of its issuer's `jwks_uri`: a key resolver for {@link verifyJwt}. */
export type RemoteJwks = JWTVerifyGetKey;

export interface RemoteJwksOptions {
  /** After a fetch, an unknown `kid` triggers no new fetch for this long (default 60 s). */
  cooldownMs?: number;
  /** Keys are fetched again when older than this, whatever the tokens name (default 5 min). */
  cacheMaxAgeMs?: number;
  /** A fetch that takes longer fails (default 5 s). */
  timeoutMs?: number;
}

/** What docs/contracts.md §2 asks of an instance: refetch on an unknown kid at most once a minute, cache 5 min. */
export const REMOTE_JWKS_COOLDOWN_MS = 60_000;
export const REMOTE_JWKS_MAX_AGE_MS = 5 * 60_000;

/**
 * The keys an issuer publishes at `jwksUri`, fetched on first use and cached: a token naming a
 * key not yet seen refetches (rotation), but at most once per cooldown, so a stream of forged
 * `kid`s cannot make the relying party hammer its issuer. Only http(s) URLs are accepted.
 */
export function remoteJwks(jwksUri: string | URL, options: RemoteJwksOptions = {}): RemoteJwks {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch (cause) {
    throw new AuthError('ERR_AUTH_CONFIG', 'the jwks_uri is not a URL', { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthError('ERR_AUTH_CONFIG', `the jwks_uri must be http(s), not ${url.protocol}`);
  }
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: options.cooldownMs ?? REMOTE_JWKS_COOLDOWN_MS,
    cacheMaxAge: options.cacheMaxAgeMs ?? REMOTE_JWKS_MAX_AGE_MS,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // No key for the kid says something about the token; anything else is about the issuer.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new AuthError('ERR_TOKEN_JWKS', `the issuer's keys could not be fetched from ${url.origin}`, {
        cause: error,
      });
    }
  };
}
