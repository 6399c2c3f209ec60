import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { digestSecret, generateSecretToken, safeEqual } from '@atrium/auth';
import { AccountRepository } from '../repositories/account.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { AdmissionRepository } from '../repositories/admission.repository.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { SetupRepository, type SetupGrant } from '../repositories/setup.repository.js';
import { checkedPasswordHash } from './account.service.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { SessionService, type IssuedSession, type SessionMeta } from './session.service.js';
import { parseEmail, parseInstanceRole, parseUsername } from '../common/validation.js';

/** A first-admin link is valid for a day (docs/contracts.md §7). */
export const SETUP_TTL_MS = 24 * 3_600_000;

const invalidLink = () =>
  new PortalError('ERR_SETUP_TOKEN_INVALID', 'this setup link is invalid, used or expired', 404);

/**
 * The first cluster admin: `atrium start` asks for a one-time link while no cluster admin exists;
 * whoever opens it sets a username and password, then must enrol TOTP before doing anything else.
 */
@Injectable()
export class SetupService {
  constructor(
    private readonly db: Database,
    private readonly setup: SetupRepository,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly nodes: NodeRepository,
    private readonly admission: AdmissionRepository,
  ) {}

  /**
   * A new link token, replacing any earlier one, or `undefined` once a cluster admin exists.
   * `grants` are explicit grants the admin receives on creation (`atrium start` passes its demo
   * libraries): ordinary grants, listed, explained and revocable like any other.
   */
  async createLink(options: { grants?: SetupGrant[] } = {}): Promise<{ token: string; expiresAt: Date } | undefined> {
    if ((await this.accounts.countClusterAdmins()) > 0) return undefined;
    const grants = (options.grants ?? []).map((g) => ({ node: g.node, role: parseInstanceRole(g.role) }));
    const token = generateSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + SETUP_TTL_MS);
    await this.setup.put({ digest: digestSecret(token), expiresAt: expiresAt.toISOString(), ...(grants.length ? { grants } : {}) });
    return { token, expiresAt };
  }

  async isValid(token: string): Promise<boolean> {
    const record = await this.setup.get();
    return (
      !!record &&
      typeof token === 'string' &&
      safeEqual(digestSecret(token), record.digest) &&
      new Date(record.expiresAt) > this.clock.now()
    );
  }

  /** Creates the cluster admin and a session that must enrol TOTP next. */
  async complete(
    token: string,
    input: { username: string; password: string; name?: string; email?: string },
    meta: SessionMeta,
  ): Promise<IssuedSession> {
    // The link first: nobody without it gets the portal to hash a password (argon2id, 19 MiB).
    if (!(await this.isValid(token))) throw invalidLink();
    const username = parseUsername(input.username);
    const email = parseEmail(input.email);
    const passwordHash = await checkedPasswordHash(input.password);
    const id = randomUUID();
    await this.db.transaction(async (em) => {
      const record = await this.setup.take(digestSecret(token));
      if (!record) throw invalidLink();
      if (await this.accounts.findByUsername(username, em))
        throw new PortalError('ERR_USERNAME_TAKEN', `username already taken: ${username}`, 409);
      await this.accounts.insert(
        {
          id,
          username,
          name: input.name?.trim() ?? '',
          email,
          accountRole: 'user',
          clusterAdmin: true,
          passwordHash,
        },
        em,
      );
      await this.audit.admin(
        {
          actor: 'setup',
          action: 'users.add',
          target: username,
          details: { clusterAdmin: true, via: 'first-admin link' },
        },
        em,
      );
      for (const grant of record.grants ?? []) await this.grantOnCreation(id, username, grant, em);
    });
    return this.sessions.create(id, 'enrol_totp', ['pwd'], meta);
  }

  /** A library removed since the link was made is skipped: the admin can grant it later. */
  private async grantOnCreation(accountId: string, username: string, grant: SetupGrant, em: EntityManager): Promise<void> {
    const node = await this.nodes.findByName(grant.node, em);
    if (!node) return;
    const role = parseInstanceRole(grant.role);
    await this.admission.upsertGrant({ accountId, nodeId: node.id, role, basePath: null, uploadPath: null }, em);
    await this.audit.admin(
      { actor: 'setup', action: 'access.grant', target: `${username}@${node.name}`, details: { role, via: 'first-admin link' } },
      em,
    );
  }
}
