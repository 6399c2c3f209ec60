import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { assertVerifyAlgorithms } from './algorithms.js';
import { AuthError } from './errors.js';
import { fromJoseError } from './jose-errors.js';
import { MAX_CLOCK_TOLERANCE, MAX_TOKEN_LENGTH } from './tokens.js';

/** Options of {@link verifyUpstreamIdToken}. */
export interface VerifyUpstreamIdTokenOptions {
  /** The provider's issuer, compared exactly. */
  issuer: string;
  /** Our client id at the provider: `aud` must name it, `azp` (when present) must be it. */
  clientId: string;
  /** Pinned algorithms; `none` and HMAC are refused at configuration. */
  algorithms: readonly string[];
  /** The nonce sent with the authorization request; the token must echo it. */
  nonce: string;
  /** Clock skew in seconds, 0–60 (30 unless set). */
  clockTolerance?: number;
  now?: Date;
}

/** The claims of a verified upstream ID token that sign-in reads; the rest pass through. */
export interface UpstreamIdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  nonce: string;
}

/**
 * Verifies an ID token from an organization's IdP (OpenID Connect Core §3.1.3.7): signature with a
 * key from the provider's JWKS under a pinned algorithm, exact `iss`, `aud` naming our client (and
 * `azp` naming it when the token has several audiences or an `azp`), `exp`, `iat`, `sub`, and the
 * `nonce` of this sign-in. Refusals are {@link AuthError}s: `ERR_TOKEN_SIGNATURE`, `ERR_TOKEN_KID`,
 * `ERR_TOKEN_ALG`, `ERR_TOKEN_ISSUER`, `ERR_TOKEN_AUDIENCE`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_NONCE`,
 * `ERR_TOKEN_CLAIM`, `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_JWKS`. `keys` is the provider's
 * {@link remoteJwks}.
 */
export async function verifyUpstreamIdToken(
  token: string,
  keys: JWTVerifyGetKey,
  options: VerifyUpstreamIdTokenOptions,
): Promise<UpstreamIdTokenClaims> {
  assertUpstreamOptions(options);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError(
      'ERR_TOKEN_MALFORMED',
      'the ID token must be a compact JWT string of reasonable size',
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.clientId,
      algorithms: [...options.algorithms],
      clockTolerance: options.clockTolerance ?? 30,
      requiredClaims: ['exp', 'iat', 'sub'],
      ...(options.now === undefined ? {} : { currentDate: options.now }),
    }));
  } catch (error) {
    const mapped = fromJoseError(error);
    // A JWKS that cannot be fetched says nothing about the token: the provider is unreachable.
    if (mapped === error && !(error instanceof AuthError)) {
      throw new AuthError('ERR_TOKEN_JWKS', 'the provider’s signing keys could not be fetched', {
        cause: error,
      });
    }
    throw mapped;
  }
  assertAuthorizedParty(payload, options.clientId);
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
    throw new AuthError('ERR_TOKEN_CLAIM', 'sub must be a string of 1–255 characters', { claim: 'sub' });
  }
  if (typeof payload.nonce !== 'string' || payload.nonce !== options.nonce) {
    throw new AuthError(
      'ERR_TOKEN_NONCE',
      payload.nonce === undefined
        ? 'the ID token carries no nonce'
        : 'the ID token’s nonce is not this sign-in’s',
      { claim: 'nonce' },
    );
  }
  return payload as UpstreamIdTokenClaims;
}

// OIDC Core §3.1.3.7 (3)–(5): other audiences are only acceptable when we are the authorized party.
function assertAuthorizedParty(payload: JWTPayload, clientId: string): void {
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const azp = (payload as { azp?: unknown }).azp;
  if (azp !== undefined && azp !== clientId) {
    throw new AuthError('ERR_TOKEN_AUDIENCE', 'the ID token was issued to another party (azp)', {
      claim: 'azp',
    });
  }
  if (audiences.length > 1 && azp !== clientId) {
    throw new AuthError('ERR_TOKEN_AUDIENCE', 'the ID token names other audiences and no azp of ours', {
      claim: 'aud',
    });
  }
}

function assertUpstreamOptions(options: VerifyUpstreamIdTokenOptions): void {
  for (const name of ['issuer', 'clientId', 'nonce'] as const) {
    if (typeof options[name] !== 'string' || options[name].length === 0) {
      throw new AuthError('ERR_AUTH_CONFIG', `${name} must be a non-empty string`);
    }
  }
  assertVerifyAlgorithms(options.algorithms);
  const tolerance = options.clockTolerance ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE) {
    throw new AuthError(
      'ERR_AUTH_CONFIG',
      `clockTolerance must be between 0 and ${MAX_CLOCK_TOLERANCE} seconds`,
    );
  }
}
