import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken } from '@atrium/auth';
import { Clock } from '../common/clock.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import type { AccountEntity } from '../entities/account.entity.js';
import type { EmailLinkEntity } from '../entities/email.entity.js';
import { resetMail } from '../mail/templates.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { Database } from '../repositories/database.js';
import { EmailLinkRepository } from '../repositories/email-link.repository.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { checkedPasswordHash } from './account.service.js';
import {
  invalidLink,
  linkAddressKey,
  linkRecord,
  linkRefusal,
  LINK_POLICY,
  openMailRequest,
} from './email-links.js';
import { LoginAuditService } from './login-audit.service.js';
import { MailService } from './mail.service.js';
import { RevocationService } from './revocation.service.js';
import type { SessionMeta } from './session.service.js';
import { ThrottleService } from './throttle.service.js';

export const RESET_TTL_MS = 3_600_000;

/** Only accounts that sign in with a local password can reset one. */
const resettable = (a: AccountEntity) => a.authProvider === 'local' && a.canLogin && !a.disabled;

/**
 * Password reset by mail: the answer to a request is the same whether or not the address has an
 * account; the link works once, for an hour; a new password ends every session of the account,
 * on the portal and, through the logout outbox, on every library.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly db: Database,
    private readonly links: EmailLinkRepository,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly revocation: RevocationService,
    private readonly mail: MailService,
    private readonly throttle: ThrottleService,
    private readonly logins: LoginAuditService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Mails a reset link to every account with this address that may have one; answers nothing about them. */
  async request(email: string, meta: SessionMeta): Promise<void> {
    const address = await openMailRequest(
      this.mail.enabled,
      this.throttle,
      email,
      meta,
      'ask an administrator to reset your password',
    );
    const now = this.clock.now();
    await this.db.transaction(async (em) => {
      for (const account of (await this.accounts.findByEmail(address, em)).filter(resettable)) {
        const token = generateSecretToken();
        await this.links.discardResets(account.id, em);
        await this.links.insert(
          linkRecord('reset', token, account.email!, account.id, {}, 'self', now, RESET_TTL_MS),
          em,
        );
        await this.mail.queue(
          account.email!,
          'reset',
          resetMail({
            link: `${this.settings.publicUrl}/reset/${token}`,
            site: new URL(this.settings.publicUrl).host,
            lifetimeMs: RESET_TTL_MS,
            username: account.username,
          }),
          em,
        );
      }
    });
  }

  /** Which account a live reset link is for (the page shows the username). */
  async describe(token: string, meta: SessionMeta): Promise<{ username: string; expiresAt: Date }> {
    const { link, account } = await this.live(token, meta);
    return { username: account.username, expiresAt: link.expiresAt };
  }

  /** Sets the new password (the link is used once) and ends every session of the account. */
  async complete(token: string, password: string, meta: SessionMeta): Promise<{ username: string }> {
    await this.live(token, meta);
    const passwordHash = await checkedPasswordHash(password);
    const now = this.clock.now();
    const account = await this.db.transaction(async (em) => {
      const link = await this.links.take(digestSecret(token), ['reset'], now, em);
      const account = link?.accountId ? await this.accounts.findById(link.accountId, em) : null;
      if (!link || !account || !resettable(account)) throw invalidLink();
      await this.accounts.update(account.id, { passwordHash }, em);
      await this.links.discardResets(account.id, em);
      const sessions = await this.sessions.forAccount(account.id, em);
      await this.revocation.endPortalSessions(
        sessions.map((s) => s.id),
        'password_reset',
        em,
      );
      return account;
    });
    // The person proved they hold the mailbox: earlier failed sign-ins no longer delay them.
    await this.throttle.succeed(`login:account:${account.username}`);
    await this.logins.record({
      method: 'password_reset',
      username: account.username,
      accountId: account.id,
      result: 'success',
      meta,
    });
    return { username: account.username };
  }

  private async live(
    token: string,
    meta: SessionMeta,
  ): Promise<{ link: EmailLinkEntity; account: AccountEntity }> {
    const key = linkAddressKey(meta);
    await this.throttle.attempt([], [key]);
    const link = await this.links.findByDigest(digestSecret(token));
    const account = link?.accountId ? await this.accounts.findById(link.accountId) : null;
    const reason =
      linkRefusal(link, ['reset'], this.clock.now()) ??
      (!account ? 'link_invalid' : !resettable(account) ? 'account_disabled' : undefined);
    if (reason) {
      await this.throttle.fail(key, LINK_POLICY);
      await this.logins.record({
        method: 'password_reset',
        username: account?.username ?? '',
        accountId: account?.id ?? null,
        result: 'failure',
        reason,
        meta,
      });
      throw invalidLink();
    }
    return { link: link!, account: account! };
  }
}
