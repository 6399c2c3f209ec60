import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken, safeEqual } from '@atrium/auth';
import { AccountRepository } from '../repositories/account.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { SetupRepository } from '../repositories/setup.repository.js';
import { checkedPasswordHash } from './account.service.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { SessionService, type IssuedSession, type SessionMeta } from './session.service.js';
import { parseEmail, parseUsername } from '../common/validation.js';

/** A first-admin link is valid for a day (CONTRACTS §7). */
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
  ) {}

  /** A new link token, replacing any earlier one, or `undefined` once a cluster admin exists. */
  async createLink(): Promise<{ token: string; expiresAt: Date } | undefined> {
    if ((await this.accounts.countClusterAdmins()) > 0) return undefined;
    const token = generateSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + SETUP_TTL_MS);
    await this.setup.put({ digest: digestSecret(token), expiresAt: expiresAt.toISOString() });
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
      if (!(await this.setup.take(digestSecret(token)))) throw invalidLink();
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
    });
    return this.sessions.create(id, 'enrol_totp', ['pwd'], meta);
  }
}
