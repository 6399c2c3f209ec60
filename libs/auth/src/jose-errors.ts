import { errors } from 'jose';
import { AuthError, type AuthErrorCode } from './errors.js';

const BY_JOSE_CODE: Readonly<Record<string, AuthErrorCode>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_TOKEN_ALG',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_TOKEN_SIGNATURE',
  ERR_JWKS_NO_MATCHING_KEY: 'ERR_TOKEN_KID',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ERR_TOKEN_KID',
  ERR_JWKS_TIMEOUT: 'ERR_TOKEN_JWKS',
  ERR_JWKS_INVALID: 'ERR_TOKEN_JWKS',
  ERR_JWK_INVALID: 'ERR_KEY_INVALID',
};

const BY_CLAIM: Readonly<Record<string, AuthErrorCode>> = {
  iss: 'ERR_TOKEN_ISSUER',
  aud: 'ERR_TOKEN_AUDIENCE',
  typ: 'ERR_TOKEN_TYP',
};

/**
 * Maps an error thrown while verifying a JWT to an {@link AuthError}. Our own errors pass through;
 * anything that is neither ours, jose's nor a key-type `TypeError` (a network failure of a remote
 * JWKS, say) is returned unchanged because it says nothing about the token.
 */
export function fromJoseError(error: unknown): unknown {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    return new AuthError('ERR_TOKEN_EXPIRED', error.message, { cause: error, claim: error.claim });
  }
  if (error instanceof errors.JWTClaimValidationFailed) return fromClaimFailure(error);
  if (error instanceof errors.JOSEError) {
    return new AuthError(BY_JOSE_CODE[error.code] ?? 'ERR_TOKEN_MALFORMED', error.message, { cause: error });
  }
  // Options are validated before jose runs, so a TypeError here means the key cannot do this alg.
  if (error instanceof TypeError) {
    return new AuthError('ERR_TOKEN_ALG', 'the key does not fit the token algorithm', { cause: error });
  }
  return error;
}

function fromClaimFailure(error: errors.JWTClaimValidationFailed): AuthError {
  const { claim, reason } = error;
  const premature = (claim === 'nbf' || claim === 'iat') && reason === 'check_failed';
  const code = premature ? 'ERR_TOKEN_NOT_YET_VALID' : (BY_CLAIM[claim] ?? 'ERR_TOKEN_CLAIM');
  return new AuthError(code, error.message, { cause: error, claim });
}
