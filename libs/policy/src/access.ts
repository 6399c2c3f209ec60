import { tryNormalizeDn } from './dn.js';
import type { PolicyError, PolicyErrorCode } from './errors.js';
import { expandFolder } from './paths.js';
import { isInstanceRole, roleRank, type InstanceRole } from './roles.js';

/** A portal account as access resolution sees it. */
export interface AccountFacts {
  /** The account's immutable id (the ID token's `sub`). */
  id: string;
  username: string;
  /** The role an empty grant inherits. Never grants access by itself. */
  accountRole: InstanceRole;
  /** Group names from OIDC, LDAP (DNs) or kept on the portal. */
  groups: readonly string[];
  /** Portal-only flag; deliberately ignored here: it opens no instance (docs/architecture.md rule 4). */
  clusterAdmin: boolean;
  disabled: boolean;
  /** Account-level base path, used when the winning grant or mapping sets none. May use `{username}`. */
  basePath?: string | null;
  /** Account-level upload path, used when the winning grant or mapping sets none. May use `{username}`. */
  uploadPath?: string | null;
}

/** A per-user grant on one instance. */
export interface AccessGrant {
  userId: string;
  /** `null` or `''` inherits the account role. */
  role: InstanceRole | '' | null;
  /** `null` or absent: the account's; `''`: none. May use `{username}`. */
  basePath?: string | null;
  /** `null` or absent: the account's; `''`: none. May use `{username}`. */
  uploadPath?: string | null;
}

/** A group the instance admits, with the role its members receive. */
export interface GroupMapping {
  group: string;
  /** `dn`: the group is an LDAP DN, compared after `normalizeDn`; `name` (default): compared as given. */
  kind?: 'name' | 'dn';
  role: InstanceRole;
  /** `null` or absent: the account's; `''`: none. May use `{username}`. */
  basePath?: string | null;
  /** `null` or absent: the account's; `''`: none. May use `{username}`. */
  uploadPath?: string | null;
}

/** Everything resolution needs for one account on one instance. */
export interface AccessInput {
  account: AccountFacts;
  /** The instance's per-user grants (all of them, or only this account's). */
  grants: readonly AccessGrant[];
  /** The instance's group mappings. */
  mappings: readonly GroupMapping[];
}

/** Where a granted role came from. */
export type AccessSource =
  { kind: 'grant'; roleFrom: 'grant' | 'account' } | { kind: 'group'; group: string; match: 'name' | 'dn' };

/** Stable codes for why access was granted. */
export type AccessAllowReason = 'grant' | 'grant_account_role' | 'group';

/** Stable codes for why access was denied. */
export type AccessDenyReason =
  'account_disabled' | 'no_grant_or_group' | 'grant_role_invalid' | 'account_role_invalid' | 'path_invalid';

/** Access granted: the role on the instance and the expanded, normalized paths. */
export interface AccessAllowed {
  allowed: true;
  role: InstanceRole;
  source: AccessSource;
  basePath: string | null;
  uploadPath: string | null;
  reason: AccessAllowReason;
}

/** Access denied; `error` names the path or username problem behind `path_invalid`. */
export interface AccessDenied {
  allowed: false;
  reason: AccessDenyReason;
  error?: PolicyErrorCode;
}

/** Outcome of {@link resolveAccess}. */
export type AccessDecision = AccessAllowed | AccessDenied;

/**
 * A grant or mapping that could decide access, with the role it would give (`null`: unusable)
 * and the group it matched under (the normalized DN for DN mappings; `''` for grants).
 */
export interface AccessCandidate<T> {
  item: T;
  role: InstanceRole | null;
  key: string;
  /** What still tells two candidates apart when role, key and paths are equal. */
  tie: string;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// Highest role first; ties broken by name, then paths, then how the candidate was written (a DN
// mapping before a name mapping of the same group, an explicit grant role before an inherited one),
// so input order never changes the outcome.
function byPrecedence<T extends { basePath?: string | null; uploadPath?: string | null }>(
  a: AccessCandidate<T>,
  b: AccessCandidate<T>,
): number {
  const rank = (c: AccessCandidate<T>): number => (c.role === null ? -1 : roleRank(c.role));
  return (
    rank(b) - rank(a) ||
    compareText(a.key, b.key) ||
    compareText(a.item.basePath ?? '', b.item.basePath ?? '') ||
    compareText(a.item.uploadPath ?? '', b.item.uploadPath ?? '') ||
    compareText(a.tie, b.tie)
  );
}

function grantRole(grant: AccessGrant, account: AccountFacts): InstanceRole | null {
  const role = grant.role === null || grant.role === '' ? account.accountRole : grant.role;
  return isInstanceRole(role) ? role : null;
}

/** The account's grant that decides, or `undefined` when it has none on this instance. */
export function selectGrant(
  account: AccountFacts,
  grants: readonly AccessGrant[],
): AccessCandidate<AccessGrant> | undefined {
  return (
    grants
      .filter((grant) => grant.userId === account.id)
      // '~' sorts after every role name: an explicit role wins a tie with an inherited one.
      .map((grant) => ({ item: grant, role: grantRole(grant, account), key: '', tie: grant.role || '~' }))
      .sort(byPrecedence)[0]
  );
}

/**
 * The mappings whose group the account is in and whose role is an instance role, the winner
 * first. DN mappings compare normalized DNs; other mappings compare names exactly as given.
 */
export function matchingMappings(
  account: AccountFacts,
  mappings: readonly GroupMapping[],
): AccessCandidate<GroupMapping>[] {
  const names = new Set<string | null>(account.groups);
  // Normalized only when a DN mapping asks: normalizing a group that is no DN costs a thrown error.
  let dns: Set<string | null> | undefined;
  const matches: AccessCandidate<GroupMapping>[] = [];
  for (const mapping of mappings) {
    if (!isInstanceRole(mapping.role)) continue;
    const key = mapping.kind === 'dn' ? tryNormalizeDn(mapping.group) : mapping.group;
    const memberOf = mapping.kind === 'dn' ? (dns ??= new Set(account.groups.map(tryNormalizeDn))) : names;
    if (key !== null && memberOf.has(key)) {
      matches.push({
        item: mapping,
        role: mapping.role,
        key,
        tie: `${mapping.kind ?? 'name'}\u0000${mapping.group}`,
      });
    }
  }
  return matches.sort(byPrecedence);
}

function granted(
  account: AccountFacts,
  role: InstanceRole,
  source: AccessSource,
  reason: AccessAllowReason,
  paths: { basePath?: string | null; uploadPath?: string | null },
): AccessDecision {
  try {
    const basePath = expandFolder(paths.basePath ?? account.basePath, account.username);
    const uploadPath = expandFolder(paths.uploadPath ?? account.uploadPath, account.username);
    return { allowed: true, role, source, basePath, uploadPath, reason };
  } catch (error) {
    // expandFolder throws only PolicyError; a hostile path or username closes access.
    return { allowed: false, reason: 'path_invalid', error: (error as PolicyError).code };
  }
}

function fromGrant(account: AccountFacts, grant: AccessCandidate<AccessGrant>): AccessDecision {
  const inherits = grant.item.role === null || grant.item.role === '';
  if (grant.role === null) {
    return { allowed: false, reason: inherits ? 'account_role_invalid' : 'grant_role_invalid' };
  }
  const source: AccessSource = { kind: 'grant', roleFrom: inherits ? 'account' : 'grant' };
  return granted(account, grant.role, source, inherits ? 'grant_account_role' : 'grant', grant.item);
}

/**
 * Decides whether `account` may open the instance, and with which role (docs/architecture.md rules 1, 2, 4).
 * A disabled account is denied. Otherwise the account's grant wins (an empty grant role means the
 * account role); otherwise the highest-role matching group mapping wins, ties broken by group name
 * then paths; otherwise access is denied. `cluster_admin` plays no part. Paths come from the winner
 * (falling back to the account's), with `{username}` expanded and normalized; a hostile path or
 * username denies access with reason `path_invalid` and the path error code.
 */
export function resolveAccess(input: AccessInput): AccessDecision {
  const { account } = input;
  // Anything but an explicit `false` counts as disabled: closed by default.
  if (account.disabled !== false) return { allowed: false, reason: 'account_disabled' };
  const grant = selectGrant(account, input.grants);
  if (grant !== undefined) return fromGrant(account, grant);
  const [winner] = matchingMappings(account, input.mappings);
  if (winner === undefined) return { allowed: false, reason: 'no_grant_or_group' };
  const match = winner.item.kind === 'dn' ? 'dn' : 'name';
  const source: AccessSource = { kind: 'group', group: winner.item.group, match };
  return granted(account, winner.item.role, source, 'group', winner.item);
}
