/** Stable codes carried by every {@link AuthError}; callers switch on these, never on messages. */
export type AuthErrorCode =
  | 'ERR_AUTH_CONFIG'
  | 'ERR_KEY_INVALID'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_ALG'
  | 'ERR_TOKEN_KID'
  | 'ERR_TOKEN_JWKS'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_TYP'
  | 'ERR_TOKEN_CLAIM'
  | 'ERR_TOKEN_REPLAY'
  | 'ERR_TOKEN_NONCE'
  | 'ERR_PASSWORD_EMPTY'
  | 'ERR_PASSWORD_TOO_LONG'
  | 'ERR_TOTP_SECRET'
  | 'ERR_TOTP_INVALID'
  | 'ERR_TOTP_REPLAY'
  | 'ERR_RECOVERY_CODE_INVALID'
  | 'ERR_PKCE_METHOD'
  | 'ERR_PKCE_MISSING'
  | 'ERR_PKCE_MALFORMED'
  | 'ERR_PKCE_MISMATCH'
  | 'ERR_SECRET_KEY_INVALID'
  | 'ERR_SECRET_MALFORMED'
  | 'ERR_SECRET_DECRYPT';

/** Options of an {@link AuthError}: the underlying cause and, for claim failures, the claim's name. */
export interface AuthErrorOptions {
  cause?: unknown;
  claim?: string;
}

/**
 * The one error type of `@atrium/auth`. `code` is stable; `claim` names the JWT claim or header
 * parameter at fault when there is one.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly claim: string | undefined;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.claim = options.claim;
  }
}

/** True when `error` is an {@link AuthError}, optionally with the given code. */
export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}
