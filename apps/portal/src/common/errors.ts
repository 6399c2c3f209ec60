import { ServerError } from '@atrium/server';

/** Stable codes the portal answers with (besides RFC error codes at the OIDC endpoints). */
export type PortalErrorCode =
  | 'ERR_BAD_CREDENTIALS'
  | 'ERR_THROTTLED'
  | 'ERR_TOTP_REQUIRED'
  | 'ERR_TOTP_INVALID'
  | 'ERR_RECOVERY_CODE_INVALID'
  | 'ERR_SESSION_REQUIRED'
  | 'ERR_SESSION_STAGE'
  | 'ERR_CSRF'
  | 'ERR_USERNAME_INVALID'
  | 'ERR_USERNAME_TAKEN'
  | 'ERR_EMAIL_INVALID'
  | 'ERR_ROLE_INVALID'
  | 'ERR_PATH_INVALID'
  | 'ERR_PASSWORD_INVALID'
  | 'ERR_ACCOUNT_NOT_FOUND'
  | 'ERR_NODE_NOT_FOUND'
  | 'ERR_NODE_EXISTS'
  | 'ERR_NODE_INVALID'
  | 'ERR_NODE_AUTH'
  | 'ERR_JOIN_TOKEN_INVALID'
  | 'ERR_GRANT_NOT_FOUND'
  | 'ERR_MAPPING_NOT_FOUND'
  | 'ERR_GROUP_INVALID'
  | 'ERR_KEY_NOT_FOUND'
  | 'ERR_KEY_LAST'
  | 'ERR_SETUP_TOKEN_INVALID'
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_AUDIT_QUERY_INVALID'
  | 'ERR_PROVIDER_NOT_FOUND'
  | 'ERR_PROVIDER_UNAVAILABLE'
  | 'ERR_UPSTREAM_SIGN_IN'
  | 'ERR_DIRECTORY_UNAVAILABLE'
  | 'ERR_LINK_INVALID'
  | 'ERR_EMAIL_TAKEN'
  | 'ERR_MAIL_UNAVAILABLE'
  | 'ERR_FEATURE_DISABLED'
  | 'ERR_APP_PASSWORD_NOT_FOUND'
  | 'ERR_APP_PASSWORD_INVALID'
  | 'ERR_EXPIRY_INVALID'
  | 'ERR_NAME_INVALID'
  | 'ERR_ADMIN_REQUIRED'
  | 'ERR_ADMIN_TOTP_REQUIRED'
  | 'ERR_SELF_LOCKOUT'
  | 'ERR_BAD_REQUEST';

/** A refusal with a stable code; the app's filter turns it into JSON with `status`. */
export class PortalError extends ServerError {
  constructor(code: PortalErrorCode, message: string, status = 400, details?: Record<string, unknown>) {
    super(code, message, status, details);
  }
}
