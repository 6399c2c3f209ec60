import { Injectable } from '@nestjs/common';
import { verifyPassword } from '@atrium/auth';
import { PortalError } from '../common/errors.js';
import type { AccountEntity } from '../entities/account.entity.js';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { checkedPasswordHash } from './account.service.js';
import { AppPasswordService } from './app-password.service.js';
import { RevocationService } from './revocation.service.js';
import type { SessionMeta } from './session.service.js';
import { LoginAuditService } from './login-audit.service.js';
import { ACCOUNT_POLICY, ThrottleService } from './throttle.service.js';

/** What the account page shows about the signed-in person. */
export interface AccountSummary {
  username: string;
  name: string;
  email: string | null;
  authProvider: string;
  hasPassword: boolean;
  totp: boolean;
  recoveryCodesLeft: number;
  clusterAdmin: boolean;
  appPasswords: boolean;
}

export interface OwnSession {
  ref: string;
  current: boolean;
  stage: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The account page: what every signed-in person may do to their own account. */
@Injectable()
export class AccountPageService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly revocation: RevocationService,
    private readonly appPasswords: AppPasswordService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditRepository,
    private readonly logins: LoginAuditService,
  ) {}

  async account(session: PortalSessionEntity): Promise<AccountEntity> {
    const account = await this.accounts.findById(session.accountId);
    if (!account) throw new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    return account;
  }

  async summary(session: PortalSessionEntity): Promise<AccountSummary> {
    const a = await this.account(session);
    return {
      username: a.username,
      name: a.name,
      email: a.email,
      authProvider: a.authProvider,
      hasPassword: !!a.passwordHash,
      totp: !!a.totpSecret,
      recoveryCodesLeft: a.recoveryCodes.length,
      clusterAdmin: a.clusterAdmin,
      appPasswords: this.appPasswords.enabled,
    };
  }

  /**
   * Changes the local password: the current one is required (on the account's sign-in throttle),
   * and every other session of the account ends, here and on the libraries it opened.
   */
  async changePassword(
    session: PortalSessionEntity,
    input: { currentPassword: string; newPassword: string },
    meta: SessionMeta,
  ): Promise<{ endedSessions: number }> {
    const account = await this.account(session);
    if (account.authProvider !== 'local' || !account.passwordHash)
      throw new PortalError(
        'ERR_PASSWORD_INVALID',
        'this account has no portal password: it signs in another way',
        409,
      );
    const key = `login:account:${account.username}`;
    await this.throttle.attempt([[key, ACCOUNT_POLICY]]);
    if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
      await this.logins.record({
        method: 'password_change',
        username: account.username,
        accountId: account.id,
        result: 'failure',
        reason: 'bad_password',
        meta,
      });
      throw new PortalError('ERR_BAD_CREDENTIALS', 'the current password is wrong', 403, {
        field: 'currentPassword',
      });
    }
    await this.throttle.succeed(key);
    const passwordHash = await checkedPasswordHash(input.newPassword);
    const ended = await this.db.transaction(async (em) => {
      await this.accounts.update(account.id, { passwordHash }, em);
      const others = (await this.sessions.forAccount(account.id, em)).filter((s) => s.id !== session.id);
      await this.revocation.endPortalSessions(
        others.map((s) => s.id),
        'password_changed',
        em,
      );
      await this.audit.admin(
        {
          actor: account.username,
          action: 'passwd.change',
          target: account.username,
          details: { endedSessions: others.length },
        },
        em,
      );
      return others.length;
    });
    await this.logins.record({
      method: 'password_change',
      username: account.username,
      accountId: account.id,
      result: 'success',
      meta,
    });
    return { endedSessions: ended };
  }

  async ownSessions(session: PortalSessionEntity): Promise<OwnSession[]> {
    const rows = await this.sessions.forAccount(session.accountId);
    return rows
      .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime())
      .map((s) => ({
        ref: s.ref,
        current: s.id === session.id,
        stage: s.stage,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        ip: s.ip,
        userAgent: s.userAgent,
      }));
  }

  /** Ends one of the account's own sessions (and what it opened); another account's answers "not found". */
  async endSession(session: PortalSessionEntity, ref: string): Promise<{ current: boolean }> {
    const target = typeof ref === 'string' ? await this.sessions.findByRef(ref) : null;
    if (!target || target.accountId !== session.accountId)
      throw new PortalError('ERR_SESSION_NOT_FOUND', 'no such session of yours', 404);
    await this.revocation.endPortalSessions([target.id], 'session_ended');
    return { current: target.id === session.id };
  }
}
