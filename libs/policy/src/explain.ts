import {
  matchingMappings,
  resolveAccess,
  selectGrant,
  type AccessDecision,
  type AccessDenyReason,
  type AccessInput,
} from './access.js';
import type { InstanceRole } from './roles.js';

/** One group mapping the account matched, in precedence order (the winner first when no grant decides). */
export interface MatchedMapping {
  group: string;
  role: InstanceRole;
  match: 'name' | 'dn';
}

/** Why access resolved as it did, for `atrium cluster access explain` (text or `--json`). */
export interface AccessExplanation {
  decision: AccessDecision;
  /** The account's grant on this instance, if any: the role it names (`null` inherits). */
  grant: { role: string | null } | null;
  matchedMappings: MatchedMapping[];
  /** Human-readable lines, one fact each, the outcome last. */
  lines: string[];
}

const DENY_TEXT: Record<AccessDenyReason, string> = {
  account_disabled: 'the account is disabled',
  no_grant_or_group: 'no grant and no matching group mapping (closed by default)',
  grant_role_invalid: 'the grant names a role that is not an instance role',
  account_role_invalid: 'the grant inherits an account role that is not an instance role',
  path_invalid: 'a base or upload path (or the username in it) is not a safe relative path',
};

function grantLine(grant: { role: string | null } | null, accountRole: string): string {
  if (grant === null) return 'grant: none';
  if (grant.role === null) return `grant: empty role, inherits the account role "${accountRole}"`;
  return `grant: role "${grant.role}"`;
}

function mappingsLine(matched: MatchedMapping[]): string {
  if (matched.length === 0) return 'matching group mappings: none';
  return `matching group mappings: ${matched.map((m) => `"${m.group}" → ${m.role}`).join(', ')}`;
}

function outcomeLine(decision: AccessDecision): string {
  if (!decision.allowed) {
    const code = decision.error === undefined ? '' : ` [${decision.error}]`;
    return `denied (${decision.reason}${code}): ${DENY_TEXT[decision.reason]}`;
  }
  const via = decision.source.kind === 'grant' ? 'the grant' : `group "${decision.source.group}"`;
  const base = decision.basePath ?? 'none';
  const upload = decision.uploadPath ?? 'none';
  return `allowed as ${decision.role} via ${via}; base path: ${base}; upload path: ${upload}`;
}

/**
 * Resolves access like {@link resolveAccess} and says why, step by step: the account, the
 * cluster_admin flag (which opens nothing), the grant, every matching group mapping, the outcome.
 */
export function explainAccess(input: AccessInput): AccessExplanation {
  const { account } = input;
  const decision = resolveAccess(input);
  const chosen = selectGrant(account, input.grants);
  const grant = chosen === undefined ? null : { role: chosen.item.role === '' ? null : chosen.item.role };
  const matchedMappings = matchingMappings(account, input.mappings).map(({ item }) => ({
    group: item.group,
    role: item.role,
    match: item.kind === 'dn' ? ('dn' as const) : ('name' as const),
  }));
  const lines = [
    `account "${account.username}" (${account.id})${account.disabled ? ', disabled' : ''}`,
    ...(account.clusterAdmin
      ? ['cluster_admin: yes (manages the cluster; opens no instance by itself)']
      : []),
    grantLine(grant, account.accountRole),
    mappingsLine(matchedMappings),
    outcomeLine(decision),
  ];
  return { decision, grant, matchedMappings, lines };
}
