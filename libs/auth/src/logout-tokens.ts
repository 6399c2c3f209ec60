import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { AuthError } from './errors.js';
import type { VerificationKeys } from './key-sources.js';
import { signJwt, verifyJwt, type SigningKeySource, type VerifyJwtOptions } from './tokens.js';

/** The `events` member that marks a back-channel logout token (OIDC Back-Channel Logout 1.0). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** The `typ` header of a logout token. */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';
/** Longest lifetime of a logout token in seconds (docs/contracts.md §1: exp ≤ 2 min). */
export const MAX_LOGOUT_TOKEN_LIFETIME = 120;

/** What a logout token ends: one portal session (`sid`), all of a user's sessions (`sub`), or both. */
export interface LogoutTokenInput {
  issuer: string;
  /** The instance's client id. */
  audience: string;
  subject?: string;
  sid?: string;
  /** Unique token id; a random UUID unless set. */
  jti?: string;
  /** Lifetime in seconds, at most {@link MAX_LOGOUT_TOKEN_LIFETIME} (the default). */
  expiresIn?: number;
  now?: Date;
}

/** The claims of a verified logout token. */
export interface LogoutTokenClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  sid?: string;
  sub?: string;
}

/** Options of {@link verifyLogoutToken}. */
export interface VerifyLogoutTokenOptions extends Pick<
  VerifyJwtOptions,
  'issuer' | 'audience' | 'algorithms' | 'clockTolerance' | 'now'
> {
  /**
   * Records `jti` until `expiresAt` and answers whether it was new (e.g. Redis `SET NX EX`, or an
   * insert on a unique column). `false` refuses the token with `ERR_TOKEN_REPLAY`. Without it the
   * caller must check the returned `jti` itself.
   */
  rememberJti?: (jti: string, expiresAt: Date) => boolean | Promise<boolean>;
}

/** Signs a back-channel logout token: header `typ: logout+jwt`, `events`, `jti`, `sid`/`sub`, no `nonce`. */
export async function signLogoutToken(key: SigningKeySource, input: LogoutTokenInput): Promise<string> {
  const expiresIn = input.expiresIn ?? MAX_LOGOUT_TOKEN_LIFETIME;
  if (expiresIn > MAX_LOGOUT_TOKEN_LIFETIME) {
    throw new AuthError('ERR_AUTH_CONFIG', `logout tokens live at most ${MAX_LOGOUT_TOKEN_LIFETIME} s`);
  }
  if (input.subject === undefined && input.sid === undefined) {
    throw new AuthError('ERR_AUTH_CONFIG', 'a logout token names a sid, a subject or both');
  }
  const payload: JWTPayload = { events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } };
  if (input.sid !== undefined) payload.sid = input.sid;
  return signJwt(payload, key, {
    issuer: input.issuer,
    audience: input.audience,
    expiresIn,
    typ: LOGOUT_TOKEN_TYP,
    jti: input.jti ?? randomUUID(),
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    ...(input.now === undefined ? {} : { now: input.now }),
  });
}

/**
 * Verifies a logout token as the Back-Channel Logout spec says: signature, `iss`, `aud`, `typ`,
 * `iat` at most 2 min old, `exp` at most 2 min after `iat`, the `events` member, `sid` and/or
 * `sub`, no `nonce`, a `jti` (handed to `rememberJti` when given). Refusals are `AuthError`s.
 */
export async function verifyLogoutToken(
  token: string,
  keys: VerificationKeys,
  options: VerifyLogoutTokenOptions,
): Promise<LogoutTokenClaims> {
  const { payload } = await verifyJwt(token, keys, {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms,
    typ: LOGOUT_TOKEN_TYP,
    maxTokenAge: MAX_LOGOUT_TOKEN_LIFETIME,
    requiredClaims: ['jti', 'events'],
    ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const claims = logoutClaims(payload);
  if (
    options.rememberJti !== undefined &&
    !(await options.rememberJti(claims.jti, new Date(claims.exp * 1000)))
  ) {
    throw new AuthError('ERR_TOKEN_REPLAY', 'logout token was already used', { claim: 'jti' });
  }
  return claims;
}

function logoutClaims(payload: JWTPayload): LogoutTokenClaims {
  // verifyJwt has already checked iss, aud, iat and exp: present, typed and in range.
  const { iss, aud, iat, exp, jti, sid, sub, events, nonce } = payload;
  assertEvents(events);
  if (nonce !== undefined) claimError('nonce', 'a logout token must not carry a nonce');
  if (typeof jti !== 'string' || jti.length === 0) claimError('jti', 'jti must be a non-empty string');
  if (exp! - iat! > MAX_LOGOUT_TOKEN_LIFETIME) claimError('exp', 'logout token lives longer than 2 minutes');
  const hasSid = typeof sid === 'string' && sid.length > 0;
  const hasSub = typeof sub === 'string' && sub.length > 0;
  if (!hasSid && !hasSub) claimError('sid', 'logout token names neither a sid nor a sub');
  if (sid !== undefined && !hasSid) claimError('sid', 'sid must be a non-empty string');
  if (sub !== undefined && !hasSub) claimError('sub', 'sub must be a non-empty string');
  const claims: LogoutTokenClaims = {
    iss: iss!,
    aud: Array.isArray(aud) ? aud[0]! : aud!,
    iat: iat!,
    exp: exp!,
    jti: jti as string,
  };
  if (hasSid) claims.sid = sid as string;
  if (hasSub) claims.sub = sub;
  return claims;
}

function assertEvents(events: unknown): void {
  const event = isPlainObject(events) ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (!isPlainObject(event)) claimError('events', `events must hold a ${BACKCHANNEL_LOGOUT_EVENT} object`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function claimError(claim: string, message: string): never {
  throw new AuthError('ERR_TOKEN_CLAIM', message, { claim });
}
