import { Injectable } from '@nestjs/common';
import { roleRank, type AccessDecision } from '@atrium/policy';
import type { EntityManager } from 'typeorm';
import type { NodeEntity } from '../entities/node.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { AppPasswordRepository } from '../repositories/app-password.repository.js';
import { Database } from '../repositories/database.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';
import { OutboxRepository, type LogoutRequest } from '../repositories/outbox.repository.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { AdmissionService } from './admission.service.js';
import { Clock } from '../common/clock.js';

export interface AdmissionScope {
  accountIds: string[] | 'all';
  nodeIds: string[] | 'all';
}

/** Why an instance session must end now, or `undefined` when the change does not narrow access. */
export function narrowing(before: AccessDecision, after: AccessDecision): string | undefined {
  if (!before.allowed) return undefined;
  if (!after.allowed) return 'access_revoked';
  if (roleRank(after.role) < roleRank(before.role)) return 'role_lowered';
  if (after.basePath !== before.basePath || after.uploadPath !== before.uploadPath) return 'paths_changed';
  return undefined;
}

interface IssuerAuthorization {
  sid?: string;
  grantId?: string;
}

/**
 * Revocation that bites now (docs/architecture.md rule 8): every change that narrows access or ends a portal
 * session writes back-channel logouts to the outbox in the same transaction, and revokes what the
 * issuer had granted, so no new token comes out of an old authorization.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly db: Database,
    private readonly admission: AdmissionService,
    private readonly accounts: AccountRepository,
    private readonly nodes: NodeRepository,
    private readonly sessions: SessionRepository,
    private readonly payloads: OidcPayloadRepository,
    private readonly outbox: OutboxRepository,
    private readonly appPasswords: AppPasswordRepository,
    private readonly clock: Clock,
  ) {}

  /** Runs `mutate` in a transaction and ends the instance sessions whose access it narrowed. */
  async trackAdmission<T>(scope: AdmissionScope, mutate: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      const nodes = await this.instanceNodes(scope.nodeIds, em);
      const accountIds = scope.accountIds === 'all' ? await this.accounts.allIds(em) : scope.accountIds;
      const nodeIds = nodes.map((n) => n.id);
      const before = await this.admission.decideMany(accountIds, nodeIds, em);
      const result = await mutate(em);
      const after = await this.admission.decideMany(accountIds, nodeIds, em);
      const logouts: LogoutRequest[] = [];
      for (const [i, pair] of before.entries()) {
        const decision = after[i]!.decision;
        const reason = narrowing(pair.decision, decision);
        // A disabled account's sessions are ended everywhere by endAccount, in the same change.
        if (!reason || (!decision.allowed && decision.reason === 'account_disabled')) continue;
        const node = nodes.find((n) => n.id === pair.nodeId)!;
        await this.revokeIssued(pair.accountId, node.clientId, em);
        if (node.backchannelLogoutUri) logouts.push({ nodeId: node.id, sub: pair.accountId, reason });
      }
      await this.outbox.enqueue(logouts, this.clock.now(), em);
      return result;
    });
  }

  /**
   * Ends every session of an account (disabled or deleted): portal, issuer, and on every instance;
   * its app passwords go too.
   */
  async endAccount(accountId: string, reason: string, em: EntityManager): Promise<void> {
    await this.appPasswords.deleteForAccount(accountId, em);
    const opSessions = await this.payloads.sessionsOf({ accountId }, em);
    for (const s of opSessions) await this.payloads.destroy('Session', s.id, em);
    await this.sessions.unlink(
      (await this.sessions.linksOfAccount(accountId, em)).map((l) => l.opSessionUid),
      em,
    );
    for (const session of await this.sessions.forAccount(accountId, em))
      await this.sessions.delete(session.id, em);
    for (const grantId of await this.payloads.grantIdsOf(accountId, undefined, em))
      await this.payloads.revokeByGrantId(grantId, em);
    const nodes = (await this.nodes.list(em)).filter((n) => n.backchannelLogoutUri);
    await this.outbox.enqueue(
      nodes.map((n) => ({ nodeId: n.id, sub: accountId, reason })),
      this.clock.now(),
      em,
    );
  }

  /** Ends portal sessions and, through their issuer sessions, the instance sessions they opened. */
  async endPortalSessions(sessionIds: string[], reason: string, em?: EntityManager): Promise<void> {
    if (!sessionIds.length) return;
    if (!em) return this.db.transaction((tx) => this.endPortalSessions(sessionIds, reason, tx));
    const links = await this.sessions.linksOf(sessionIds, em);
    const logouts = await this.endIssuerSessions(
      links.map((l) => l.opSessionUid),
      reason,
      em,
    );
    await this.sessions.unlink(
      links.map((l) => l.opSessionUid),
      em,
    );
    for (const id of sessionIds) await this.sessions.delete(id, em);
    await this.outbox.enqueue(logouts, this.clock.now(), em);
  }

  /** Destroys issuer sessions and their grants; returns one `sid` logout per instance they reached. */
  private async endIssuerSessions(
    uids: string[],
    reason: string,
    em: EntityManager,
  ): Promise<LogoutRequest[]> {
    if (!uids.length) return [];
    const byClient = new Map((await this.nodes.list(em)).map((n) => [n.clientId, n]));
    const logouts: LogoutRequest[] = [];
    for (const { id, payload } of await this.payloads.sessionsOf({ uids }, em)) {
      const authorizations = (payload.authorizations ?? {}) as Record<string, IssuerAuthorization>;
      for (const [clientId, { sid, grantId }] of Object.entries(authorizations)) {
        if (grantId) await this.payloads.revokeByGrantId(grantId, em);
        const node = byClient.get(clientId);
        if (node?.backchannelLogoutUri && sid)
          logouts.push({ nodeId: node.id, sub: payload.accountId as string, sid, reason });
      }
      await this.payloads.destroy('Session', id, em);
    }
    return logouts;
  }

  private async revokeIssued(accountId: string, clientId: string, em: EntityManager): Promise<void> {
    for (const grantId of await this.payloads.grantIdsOf(accountId, clientId, em))
      await this.payloads.revokeByGrantId(grantId, em);
  }

  private async instanceNodes(nodeIds: string[] | 'all', em: EntityManager): Promise<NodeEntity[]> {
    const all = (await this.nodes.list(em)).filter((n) => n.role === 'instance');
    return nodeIds === 'all' ? all : all.filter((n) => nodeIds.includes(n.id));
  }
}
