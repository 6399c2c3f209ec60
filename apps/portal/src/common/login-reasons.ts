/**
 * The sign-in audit's vocabulary (docs/identity.md lists it for admins). These strings are stored
 * and searched for: add new ones, never rename or reuse one.
 */

/** How someone tried to get in. */
export const LOGIN_METHODS = [
  'password',
  'totp',
  'recovery_code',
  'oidc',
  'ldap',
  'app_password',
  'setup',
  'invitation',
  'password_reset',
  'registration',
  'password_change',
] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

/** `partial`: a first step passed and another (TOTP, enrolment) is still due. */
export const LOGIN_RESULTS = ['success', 'partial', 'failure'] as const;
export type LoginResult = (typeof LOGIN_RESULTS)[number];

/**
 * Why an attempt ended as it did. Failures always carry one; a success carries one only when it
 * says something an admin should know (`oidc_no_groups_claim`: signed in, but with no groups).
 */
export const LOGIN_REASONS = [
  // Local accounts and anything with a username and password.
  'bad_password',
  'unknown_user',
  'account_disabled',
  'login_disabled',
  'wrong_method',
  'throttled',
  // The second factor.
  'second_factor_required',
  'totp_enrolment_required',
  'totp_invalid',
  'totp_replaced',
  'recovery_codes_replaced',
  'recovery_code_invalid',
  // Organization OIDC providers.
  'oidc_state_mismatch',
  'oidc_bad_signature',
  'oidc_wrong_audience',
  'oidc_wrong_issuer',
  'oidc_token_expired',
  'oidc_nonce_mismatch',
  'oidc_claims_invalid',
  'oidc_no_groups_claim',
  'oidc_access_denied',
  'oidc_provider_error',
  'oidc_provider_unavailable',
  'oidc_token_error',
  'oidc_account_creation_disabled',
  // LDAP / Active Directory.
  'ldap_unavailable',
  'ldap_tls_failed',
  'ldap_ambiguous_user',
  'ldap_unknown_user',
  'ldap_bad_password',
  'ldap_empty_password',
  'ldap_invalid_username',
  'ldap_no_id_attribute',
  // App passwords, checked through the node API (docs/contracts.md §3).
  'app_password_invalid',
  'app_password_expired',
  'app_password_revoked',
  'app_password_wrong_node',
  'app_password_feature_disabled',
  'app_password_no_access',
  // Links sent by email.
  'link_invalid',
  'link_expired',
  'link_used',
] as const;
export type LoginReason = (typeof LOGIN_REASONS)[number];

const REASONS: ReadonlySet<string> = new Set(LOGIN_REASONS);

export function isLoginReason(value: unknown): value is LoginReason {
  return typeof value === 'string' && REASONS.has(value);
}
