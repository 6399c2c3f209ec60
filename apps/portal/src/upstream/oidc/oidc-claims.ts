import type { UpstreamIdentity } from '../federated-accounts.service.js';
import type { OidcProviderConfig } from './oidc-config.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

/**
 * The groups claim as the mappings see it: a string is one group, a list of strings is the
 * groups; absent (or anything else) means no groups, which the audit notes.
 */
export function groupsFromClaim(value: unknown): { groups: string[]; missing: boolean } {
  if (typeof value === 'string') return { groups: value ? [value] : [], missing: false };
  if (Array.isArray(value))
    return { groups: value.filter((g): g is string => typeof g === 'string'), missing: false };
  return { groups: [], missing: true };
}

/** The person a verified ID token describes, for linking and creating their account. */
export function upstreamIdentity(
  config: OidcProviderConfig,
  claims: Record<string, unknown>,
  onlyProvider: boolean,
): UpstreamIdentity & { groupsClaimMissing: boolean } {
  const email = text(claims.email);
  const { groups, missing } = groupsFromClaim(claims[config.groupsClaim]);
  const username = text(claims.preferred_username) ?? email?.split('@')[0] ?? String(claims.sub);
  return {
    kind: 'oidc',
    issuer: config.issuer,
    subject: String(claims.sub),
    usernameHint: username,
    namespace: config.id,
    alwaysNamespaced: true,
    name: (text(claims.name) ?? username).slice(0, 200),
    email: email && email.length <= 254 && EMAIL.test(email) ? email : null,
    emailVerified: claims.email_verified === true,
    groups,
    createAccounts: config.createAccounts,
    claimsUnboundAccounts: onlyProvider,
    groupsClaimMissing: missing,
  };
}
