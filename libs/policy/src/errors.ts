/**
 * Stable error codes thrown by `@atrium/policy`. Callers switch on `code`, never on the message.
 */
export const POLICY_ERROR_CODES = [
  'ERR_ROLE_UNKNOWN',
  'ERR_ROLE_NOT_GRANTABLE',
  'ERR_PERMISSION_UNKNOWN',
  'ERR_PATH_INVALID',
  'ERR_PATH_ABSOLUTE',
  'ERR_PATH_TRAVERSAL',
  'ERR_PATH_TOO_LONG',
  'ERR_USERNAME_UNSAFE',
  'ERR_DN_INVALID',
  'ERR_CLAIMS_INVALID',
  'ERR_CLOCK_INVALID',
] as const;

/** One of {@link POLICY_ERROR_CODES}. */
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/** The only error this library throws: a refusal of bad input, identified by a stable `code`. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly code: PolicyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True when `error` is a {@link PolicyError}, optionally with the given code. */
export function isPolicyError(error: unknown, code?: PolicyErrorCode): error is PolicyError {
  return error instanceof PolicyError && (code === undefined || error.code === code);
}
