import {
  jwtVerify,
  SignJWT,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type JWK,
} from 'jose';
import { assertVerifyAlgorithms } from './algorithms.js';
import { epochSeconds } from './clock.js';
import { AuthError } from './errors.js';
import { fromJoseError } from './jose-errors.js';
import { toJoseVerifyKey, type VerificationKeys } from './key-sources.js';
import { importJwkCached, type ImportedKey } from './keys.js';

/** Largest clock skew a verifier may tolerate, in seconds (docs/contracts.md §1: 60 s). */
export const MAX_CLOCK_TOLERANCE = 60;
/** Clock skew tolerated when none is configured, in seconds (openid-client's default too). */
export const DEFAULT_CLOCK_TOLERANCE = 30;
/** Longest compact JWT accepted; anything longer is refused before it is parsed. */
export const MAX_TOKEN_LENGTH = 65_536;

/** A private signing JWK (imported once, cached) or an {@link ImportedKey} with a `privateKey`. */
export type SigningKeySource = JWK | ImportedKey;

/** Options of {@link signJwt}. */
export interface SignJwtOptions {
  issuer: string;
  /** One audience: a token is made for exactly one party. */
  audience: string;
  /** Lifetime in seconds from `now`; every token expires. */
  expiresIn: number;
  /** `typ` header; `JWT` unless set. */
  typ?: string;
  subject?: string;
  jti?: string;
  notBefore?: Date;
  /** Issue time; the current time unless set. */
  now?: Date;
}

/** Options of {@link verifyJwt}. */
export interface VerifyJwtOptions {
  /** The one accepted `iss`, compared exactly. */
  issuer: string;
  /** The one accepted `aud`; a token naming several audiences is refused. */
  audience: string;
  /** Pinned asymmetric algorithms; `none` and HMAC are refused at configuration. */
  algorithms: readonly string[];
  /** Required `typ` header, when set. */
  typ?: string;
  subject?: string;
  /** Oldest accepted `iat`, in seconds. */
  maxTokenAge?: number;
  /** Clock skew in seconds, 0–60; {@link DEFAULT_CLOCK_TOLERANCE} unless set. */
  clockTolerance?: number;
  /** Claims that must be present besides `exp`, `iat`, `iss` and `aud`. */
  requiredClaims?: readonly string[];
  /** Verification time; the current time unless set. */
  now?: Date;
}

/** A verified token's claims and protected header. */
export interface VerifiedJwt<T extends object = JWTPayload> {
  payload: T & JWTPayload;
  header: JWTHeaderParameters;
}

/** Signs `payload` as a compact JWT with `iss`, `aud`, `iat`, `exp` and header `alg`, `kid`, `typ`. */
export async function signJwt(
  payload: JWTPayload,
  key: SigningKeySource,
  options: SignJwtOptions,
): Promise<string> {
  const { kid, alg, privateKey } = await resolveSigningKey(key);
  assertNonEmpty(options.issuer, 'issuer');
  assertNonEmpty(options.audience, 'audience');
  assertLifetime(options.expiresIn);
  const iat = epochSeconds(options.now);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg, kid, typ: options.typ ?? 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.expiresIn);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.jti !== undefined) jwt.setJti(options.jti);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(privateKey);
}

/**
 * Verifies a compact JWT: pinned algorithms, key looked up by `kid` in local keys only (`jku`,
 * `jwk`, `x5u` headers are never used), exact `iss` and single `aud`, `exp` and `iat` required.
 * Every refusal is an {@link AuthError} with an `ERR_TOKEN_*` code.
 */
export async function verifyJwt<T extends object = JWTPayload>(
  token: string,
  keys: VerificationKeys,
  options: VerifyJwtOptions,
): Promise<VerifiedJwt<T>> {
  const joseOptions = toJoseOptions(options);
  const key = toJoseVerifyKey(keys);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError('ERR_TOKEN_MALFORMED', 'token must be a compact JWT string of reasonable size');
  }
  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      key as Parameters<typeof jwtVerify>[1],
      joseOptions,
    );
    assertSingleAudience(payload.aud);
    return { payload: payload as T & JWTPayload, header: protectedHeader };
  } catch (error) {
    throw fromJoseError(error);
  }
}

async function resolveSigningKey(
  source: SigningKeySource,
): Promise<Required<Pick<ImportedKey, 'kid' | 'alg' | 'privateKey'>>> {
  const imported =
    typeof (source as JWK)?.kty === 'string' ? await importJwkCached(source as JWK) : (source as ImportedKey);
  const { kid, alg, privateKey } = imported ?? {};
  if (privateKey === undefined || typeof kid !== 'string' || (alg !== 'EdDSA' && alg !== 'RS256')) {
    throw new AuthError('ERR_KEY_INVALID', 'signing needs a private key with kid and alg');
  }
  return { kid, alg, privateKey };
}

function toJoseOptions(options: VerifyJwtOptions): JWTVerifyOptions {
  assertNonEmpty(options.issuer, 'issuer');
  assertNonEmpty(options.audience, 'audience');
  assertVerifyAlgorithms(options.algorithms);
  const clockTolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0 || clockTolerance > MAX_CLOCK_TOLERANCE) {
    throw new AuthError(
      'ERR_AUTH_CONFIG',
      `clockTolerance must be between 0 and ${MAX_CLOCK_TOLERANCE} seconds`,
    );
  }
  if (
    options.maxTokenAge !== undefined &&
    !(Number.isFinite(options.maxTokenAge) && options.maxTokenAge > 0)
  ) {
    throw new AuthError('ERR_AUTH_CONFIG', 'maxTokenAge must be a positive number of seconds');
  }
  return {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: [...options.algorithms],
    clockTolerance,
    requiredClaims: ['exp', 'iat', ...(options.requiredClaims ?? [])],
    ...(options.typ === undefined ? {} : { typ: options.typ }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
    ...(options.now === undefined ? {} : { currentDate: options.now }),
  };
}

// jose accepts an array that merely contains our audience; a token for several parties could be
// replayed at another of them (docs/architecture.md rule 3), so only a lone audience passes.
function assertSingleAudience(aud: JWTPayload['aud']): void {
  if (Array.isArray(aud) && aud.length !== 1) {
    throw new AuthError('ERR_TOKEN_AUDIENCE', 'token names more than one audience', { claim: 'aud' });
  }
}

function assertNonEmpty(value: unknown, name: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthError('ERR_AUTH_CONFIG', `${name} must be a non-empty string`);
  }
}

function assertLifetime(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new AuthError('ERR_AUTH_CONFIG', 'expiresIn must be a positive whole number of seconds');
  }
}
