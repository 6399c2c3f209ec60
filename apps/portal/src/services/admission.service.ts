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
    const pairs: AdmissionPair[] = [];
    for (const accountId of accountIds) {
      const account = byId.get(accountId);
      for (const nodeId of nodeIds) {
        const decision: AccessDecision = account
          ? resolveAccess({
              account: toFacts(account, groups.get(accountId) ?? []),
              grants: grants
                .filter((g) => g.accountId === accountId && g.nodeId === nodeId)
                .map(toPolicyGrant),
              mappings: mappings.filter((m) => m.nodeId === nodeId).map(toPolicyMapping),
            })
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
