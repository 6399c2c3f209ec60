import { CompactSign, FlattenedSign, SignJWT } from 'jose';
import type { SigningJwk } from '../keys.js';
import { signJwt, type SignJwtOptions } from '../tokens.js';
import { AUDIENCE, ISSUER, NOW, NOW_S, loadedKeys } from './factories.js';

/** Claims of an ordinary valid token at `NOW`. */
export const baseClaims = () => ({ iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 600, sub: 'user-1' });

/** A token from signJwt with test defaults (Ed25519 key, 10 min at `NOW`). */
export function sign(
  key: SigningJwk = loadedKeys().ed,
  overrides: Partial<SignJwtOptions> = {},
  payload = {},
) {
  return signJwt({ sub: 'user-1', ...payload }, key, {
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: 600,
    now: NOW,
    ...overrides,
  });
}

/** A token signed with a key by jose directly, for claims and headers signJwt would never produce. */
export function rawSign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: SigningJwk = loadedKeys().ed,
) {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key);
}

/** A JWS over arbitrary payload text, validly signed with our key: for payloads that are not claims. */
export function signText(header: Record<string, unknown>, payload: string, crit?: Record<string, boolean>) {
  const { ed } = loadedKeys();
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, ...header })
    .sign(ed, crit === undefined ? undefined : { crit });
}

/** An RFC 7797 JWS (`b64: false`) in compact form, validly signed with our key. */
export async function signUnencoded(payload: string) {
  const { ed } = loadedKeys();
  const jws = await new FlattenedSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, b64: false, crit: ['b64'] })
    .sign(ed);
  return `${jws.protected}.${payload}.${jws.signature}`;
}

/** The `code` a promise rejects with, or `accepted`. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}
