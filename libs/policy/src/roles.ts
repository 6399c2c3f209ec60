import { PolicyError } from './errors.js';

/** Roles a person can hold on an instance, highest privilege first (docs/architecture.md rule 5). */
export const INSTANCE_ROLES = ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'] as const;

/** A role a grant, a group mapping or an account can carry. */
export type InstanceRole = (typeof INSTANCE_ROLES)[number];

/** The anonymous holder of a share link. A role on the instance, but never granted or issued. */
export const VISITOR = 'visitor';

/** Every role an instance knows, highest privilege first. */
export const ROLES = [...INSTANCE_ROLES, VISITOR] as const;

/** Any role an instance knows, including `visitor`. */
export type Role = (typeof ROLES)[number];

/** The roles a grant, a group mapping or an account role may name; the same list as {@link INSTANCE_ROLES}. */
export const GRANTABLE_ROLES: readonly InstanceRole[] = INSTANCE_ROLES;

// Names people type that look like roles but must never be granted: `visitor` is anonymous and
// `cluster_admin` is a portal-only account flag that opens no instance (docs/architecture.md rule 4).
const NOT_GRANTABLE = new Set<string>([VISITOR, 'cluster_admin']);

/** True for exactly the canonical names in {@link INSTANCE_ROLES} (no trimming, no case folding). */
export function isInstanceRole(value: unknown): value is InstanceRole {
  return typeof value === 'string' && (INSTANCE_ROLES as readonly string[]).includes(value);
}

/** True for exactly the canonical names in {@link ROLES}, `visitor` included. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Parses a role typed by a person or read from storage into a grantable instance role.
 * Surrounding spaces and letter case are ignored.
 * @throws PolicyError `ERR_ROLE_NOT_GRANTABLE` for `visitor` and `cluster_admin`,
 *   `ERR_ROLE_UNKNOWN` for anything else that is not an instance role.
 */
export function parseRole(value: unknown): InstanceRole {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (isInstanceRole(name)) return name;
  if (name !== undefined && NOT_GRANTABLE.has(name)) {
    throw new PolicyError('ERR_ROLE_NOT_GRANTABLE', `role "${name}" cannot be granted`);
  }
  throw unknownRole(value);
}

function unknownRole(value: unknown): PolicyError {
  return new PolicyError('ERR_ROLE_UNKNOWN', `unknown role ${JSON.stringify(String(value)).slice(0, 80)}`);
}

/** Privilege rank of a role: `visitor` is 0, `admin` the highest. */
export function roleRank(role: Role): number {
  const index = (ROLES as readonly string[]).indexOf(role);
  if (index < 0) throw unknownRole(role);
  return ROLES.length - 1 - index;
}

/**
 * Compares two roles by privilege: positive when `a` outranks `b`, negative when `b` outranks `a`,
 * 0 when equal. `[...roles].sort(compareRoles)` sorts lowest privilege first.
 */
export function compareRoles(a: Role, b: Role): number {
  return roleRank(a) - roleRank(b);
}

/** True when `role` has at least the privilege of `minimum`. */
export function isAtLeast(role: Role, minimum: Role): boolean {
  return compareRoles(role, minimum) >= 0;
}

/** The highest-privilege role among `roles`, or `undefined` when there is none. */
export function highestRole<R extends Role>(roles: Iterable<R>): R | undefined {
  let best: R | undefined;
  for (const role of roles) if (best === undefined || compareRoles(role, best) > 0) best = role;
  return best;
}

/** How a portal account came to exist; decides its default account role (docs/architecture.md rule 2). */
export type AccountOrigin = 'admin' | 'federated' | 'self_registration';

/** Account role of accounts an admin creates, unless the admin names another. */
export const DEFAULT_ADMIN_CREATED_ROLE: InstanceRole = 'user';

/** Account role at first OIDC/LDAP sign-in or self-registration unless `ATRIUM_DEFAULT_ROLE` says otherwise. */
export const DEFAULT_FEDERATED_ROLE: InstanceRole = 'guest';

/**
 * The account role a new account receives.
 * @param origin how the account is being created.
 * @param configuredDefault the configured role for federated and self-registered accounts
 *   (`ATRIUM_DEFAULT_ROLE`); parsed with {@link parseRole}.
 * @throws PolicyError from {@link parseRole} when `configuredDefault` is not a grantable role.
 */
export function defaultAccountRole(origin: AccountOrigin, configuredDefault?: string): InstanceRole {
  if (origin === 'admin') return DEFAULT_ADMIN_CREATED_ROLE;
  return configuredDefault === undefined ? DEFAULT_FEDERATED_ROLE : parseRole(configuredDefault);
}
