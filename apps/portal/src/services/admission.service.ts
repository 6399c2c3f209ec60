import { Inject, Injectable } from '@nestjs/common';
import {
  atriumClaims,
  explainAccess,
  resolveAccess,
  type AccessDecision,
  type AccessExplanation,
  type AccountFacts,
  type AtriumClaims,
  type InstanceRole,
} from '@atrium/policy';
import type { EntityManager } from 'typeorm';
import type { GrantEntity, GroupMappingEntity } from '../entities/admission.entity.js';
import type { AccountEntity } from '../entities/account.entity.js';
import type { NodeEntity } from '../entities/node.entity.js';
import { AdmissionRepository, type AdmissionSnapshot } from '../repositories/admission.repository.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { parseInstanceRole } from '../common/validation.js';

/** One account's decision on one node. */
export interface AdmissionPair {
  accountId: string;
  nodeId: string;
  decision: AccessDecision;
}

export function toFacts(
  account: Pick<
    AccountEntity,
    'id' | 'username' | 'accountRole' | 'clusterAdmin' | 'disabled' | 'basePath' | 'uploadPath'
  >,
  groups: string[],
): AccountFacts {
  return {
    id: account.id,
    username: account.username,
    accountRole: account.accountRole as InstanceRole,
    groups,
    clusterAdmin: account.clusterAdmin,
    disabled: account.disabled,
    basePath: account.basePath,
    uploadPath: account.uploadPath,
  };
}

function toPolicyGrant(grant: Pick<GrantEntity, 'accountId' | 'role' | 'basePath' | 'uploadPath'>) {
  return {
    userId: grant.accountId,
    role: grant.role as InstanceRole | null,
    basePath: grant.basePath,
    uploadPath: grant.uploadPath,
  };
}

function toPolicyMapping(
  mapping: Pick<GroupMappingEntity, 'groupName' | 'kind' | 'role' | 'basePath' | 'uploadPath'>,
) {
  return {
    group: mapping.groupName,
    kind: mapping.kind,
    role: mapping.role as InstanceRole,
    basePath: mapping.basePath,
    uploadPath: mapping.uploadPath,
  };
}

/** Which rows of the effective-access matrix to show. */
export interface MatrixFilter {
  /** In the username, name or email. */
  search?: string;
  /** Accounts in this group. */
  group?: string;
  /** Only this library's column. */
  node?: string;
  /** Accounts with this role, or `none` (no access), on a shown library. */
  role?: string;
}

export interface MatrixRow {
  accountId: string;
  username: string;
  name: string;
  disabled: boolean;
  groups: string[];
  cells: { node: string; decision: AccessDecision }[];
}

export interface MatrixPage {
  nodes: string[];
  rows: MatrixRow[];
  /** The cursor (`after`) of the next page; null on the last. */
  next: string | null;
}

/** Accounts read per round when a role filter skips rows. */
const MATRIX_SCAN_BATCH = 500;

/** Resolution of one account on one node from rows already loaded (grants and mappings indexed once). */
function resolver(
  groups: Map<string, string[]>,
  grants: GrantEntity[],
  mappings: GroupMappingEntity[],
): (account: AccountEntity, nodeId: string) => AccessDecision {
  const grantOf = new Map(grants.map((g) => [`${g.accountId} ${g.nodeId}`, toPolicyGrant(g)]));
  const mappingsOf = new Map<string, ReturnType<typeof toPolicyMapping>[]>();
  for (const m of mappings) {
    const list = mappingsOf.get(m.nodeId) ?? [];
    list.push(toPolicyMapping(m));
    mappingsOf.set(m.nodeId, list);
  }
  return (account, nodeId) => {
    const grant = grantOf.get(`${account.id} ${nodeId}`);
    return resolveAccess({
      account: toFacts(account, groups.get(account.id) ?? []),
      grants: grant ? [grant] : [],
      mappings: mappingsOf.get(nodeId) ?? [],
    });
  };
}

/**
 * Admission (which account may enter which library) against the portal's data: loads accounts,
 * groups, grants and mappings in batches and hands them to `@atrium/policy` (docs/architecture.md rules 1, 2 and 4).
 */
@Injectable()
export class AdmissionService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly admission: AdmissionRepository,
    private readonly nodes: NodeRepository,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Decisions for every pair of the given accounts and nodes; a missing account is denied. */
  async decideMany(accountIds: string[], nodeIds: string[], em?: EntityManager): Promise<AdmissionPair[]> {
    const [accounts, groups, grants, mappings] = await this.load(accountIds, nodeIds, em);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const resolve = resolver(groups, grants, mappings);
    const pairs: AdmissionPair[] = [];
    for (const accountId of accountIds) {
      const account = byId.get(accountId);
      for (const nodeId of nodeIds) {
        const decision: AccessDecision = account
          ? resolve(account, nodeId)
          : { allowed: false, reason: 'no_grant_or_group' };
        pairs.push({ accountId, nodeId, decision });
      }
    }
    return pairs;
  }

  // A transaction runs on one connection, which takes one query at a time; outside one, the pool runs them together.
  private async load(accountIds: string[], nodeIds: string[], em?: EntityManager) {
    const loaders = [
      () => this.accounts.findByIds(accountIds, em),
      () => this.accounts.groupsOf(accountIds, em),
      () => this.admission.grantsFor(accountIds, nodeIds, em),
      () => this.admission.mappingsFor(nodeIds, em),
    ] as const;
    if (!em) return Promise.all([loaders[0](), loaders[1](), loaders[2](), loaders[3]()]);
    return [await loaders[0](), await loaders[1](), await loaders[2](), await loaders[3]()] as const;
  }

  /**
   * The effective-access matrix (admin screen, CSV export): one page of accounts by username, each
   * with its decision on every instance, resolved by `@atrium/policy` like a sign-in. A role filter
   * keeps the accounts with that role (or `none`: no access) on some shown library; it reads the
   * accounts in batches, never all at once.
   */
  async matrix(filter: MatrixFilter, page: { after?: string; limit: number }): Promise<MatrixPage> {
    const nodes = await this.matrixNodes(filter.node);
    const role = filter.role ? (filter.role === 'none' ? 'none' : parseInstanceRole(filter.role)) : undefined;
    const wanted = (row: MatrixRow) =>
      !role ||
      row.cells.some((c) =>
        role === 'none' ? !c.decision.allowed : c.decision.allowed && c.decision.role === role,
      );
    const batch = role ? Math.max(page.limit + 1, MATRIX_SCAN_BATCH) : page.limit + 1;
    const accountFilter = { search: filter.search, group: filter.group };
    const rows: MatrixRow[] = [];
    let after = page.after;
    for (;;) {
      const accounts = await this.accounts.page(accountFilter, { after, limit: batch });
      for (const row of await this.decideRows(accounts, nodes)) {
        if (!wanted(row)) continue;
        rows.push(row);
        if (rows.length > page.limit) {
          const shown = rows.slice(0, page.limit);
          return { nodes: nodes.map((n) => n.name), rows: shown, next: shown.at(-1)!.username };
        }
      }
      if (accounts.length < batch) return { nodes: nodes.map((n) => n.name), rows, next: null };
      after = accounts.at(-1)!.username;
    }
  }

  /** Every row of the matrix, a page at a time (for the streamed CSV export). */
  async *matrixPages(filter: MatrixFilter, size = 500): AsyncGenerator<MatrixPage> {
    let after: string | undefined;
    do {
      const page = await this.matrix(filter, { after, limit: size });
      yield page;
      after = page.next ?? undefined;
    } while (after !== undefined);
  }

  private async matrixNodes(name?: string): Promise<NodeEntity[]> {
    if (name) {
      const node = await this.nodes.findByName(name);
      if (!node || node.role !== 'instance')
        throw new PortalError('ERR_NODE_NOT_FOUND', `no such library: ${name}`, 404);
      return [node];
    }
    return (await this.nodes.list()).filter((n) => n.role === 'instance');
  }

  private async decideRows(accounts: AccountEntity[], nodes: NodeEntity[]): Promise<MatrixRow[]> {
    const ids = accounts.map((a) => a.id);
    const nodeIds = nodes.map((n) => n.id);
    const [groups, grants, mappings] = await Promise.all([
      this.accounts.groupsOf(ids),
      this.admission.grantsFor(ids, nodeIds),
      this.admission.mappingsFor(nodeIds),
    ]);
    const resolve = resolver(groups, grants, mappings);
    return accounts.map((account) => ({
      accountId: account.id,
      username: account.username,
      name: account.name,
      disabled: account.disabled,
      groups: groups.get(account.id) ?? [],
      cells: nodes.map((node) => ({ node: node.name, decision: resolve(account, node.id) })),
    }));
  }

  /**
   * One account on one node, with what the ID token says about it: the decision and, when allowed,
   * the Atrium claims (docs/contracts.md §1). One query: the issuer runs this at every authorization and
   * again at the token endpoint.
   */
  async forToken(
    accountId: string,
    nodeId: string,
  ): Promise<{ account: AdmissionSnapshot['account']; decision: AccessDecision; claims?: AtriumClaims }> {
    return this.decide(await this.admission.snapshot(accountId, nodeId));
  }

  /** `forToken` on a snapshot already read (the issuer reads it with other rows). */
  decide(snapshot: AdmissionSnapshot): {
    account: AdmissionSnapshot['account'];
    decision: AccessDecision;
    claims?: AtriumClaims;
  } {
    const { account } = snapshot;
    if (!account) return { account, decision: { allowed: false, reason: 'no_grant_or_group' } };
    const decision = resolveAccess({
      account: toFacts(account, snapshot.groups),
      grants: snapshot.grant ? [toPolicyGrant(snapshot.grant)] : [],
      mappings: snapshot.mappings.map(toPolicyMapping),
    });
    if (!decision.allowed) return { account, decision };
    const webdav = {
      userEnabled: account.webdav,
      featureEnabled: !this.settings.disabledFeatures.includes('webdav'),
    };
    return { account, decision, claims: atriumClaims(decision, snapshot.groups, webdav) };
  }

  /** The instances the account may open, for the chooser. */
  async openable(accountId: string): Promise<{ node: NodeEntity; role: InstanceRole }[]> {
    const nodes = (await this.nodes.list()).filter((n) => n.role === 'instance' && n.secretDigest);
    const pairs = await this.decideMany(
      [accountId],
      nodes.map((n) => n.id),
    );
    return pairs.flatMap((p) =>
      p.decision.allowed ? [{ node: nodes.find((n) => n.id === p.nodeId)!, role: p.decision.role }] : [],
    );
  }

  /** `atrium cluster access explain`: the deciding grant or group, step by step. */
  async explain(
    username: string,
    nodeName: string,
  ): Promise<AccessExplanation & { node: string; username: string }> {
    const account = await this.accounts.findByUsername(username);
    if (!account) throw new PortalError('ERR_ACCOUNT_NOT_FOUND', `no such account: ${username}`, 404);
    const node = await this.nodes.findByName(nodeName);
    if (!node) throw new PortalError('ERR_NODE_NOT_FOUND', `no such node: ${nodeName}`, 404);
    const [groups, grant, mappings] = await Promise.all([
      this.accounts.groups(account.id),
      this.admission.findGrant(account.id, node.id),
      this.admission.mappingsOfNode(node.id),
    ]);
    const explanation = explainAccess({
      account: toFacts(account, groups),
      grants: grant ? [toPolicyGrant(grant)] : [],
      mappings: mappings.map(toPolicyMapping),
    });
    return { ...explanation, node: node.name, username: account.username };
  }
}
