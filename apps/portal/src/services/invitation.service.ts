import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken } from '@atrium/auth';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { parseGroup, parseInstanceRole, parseUsername } from '../common/validation.js';
import type { EmailLinkEntity, EmailLinkKind, InvitationFields } from '../entities/email.entity.js';
import { alreadyRegisteredMail, invitationMail, registrationMail } from '../mail/templates.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { EmailLinkRepository } from '../repositories/email-link.repository.js';
import { checkedPasswordHash } from './account.service.js';
import { MailService } from './mail.service.js';
import { SessionService, type IssuedSession, type SessionMeta } from './session.service.js';
import { firstStage } from './sign-in.service.js';
import { ThrottleService } from './throttle.service.js';
import {
  invalidLink,
  linkAddressKey,
  linkRecord,
  linkRefusal,
  LINK_POLICY,
  openMailRequest,
  requireEmail,
} from './email-links.js';
import { LoginAuditService } from './login-audit.service.js';

export const INVITE_TTL_MS = 7 * 86_400_000;
export const REGISTER_TTL_MS = 86_400_000;
const MAX_INVITE_TTL_MS = 30 * 86_400_000;

/** What an admin (CLI `atrium users invite`, the admin screens) gives to invite an address. */
export interface InvitationInput extends InvitationFields {
  email: string;
  /** How long the link works; 7 days unless given, at most 30. */
  expiresInMs?: number;
}

export interface Invitation {
  id: string;
  email: string;
  expiresAt: Date;
  /** True when the portal mails it (SMTP_URL set). */
  mailed: boolean;
  /** Only when it is not mailed: the link to hand over some other way. */
  link?: string;
}

/** What the invitation page shows before the person chooses a username and password. */
export interface LinkDescription {
  kind: EmailLinkKind;
  email: string;
  name: string;
  suggestedUsername: string;
  expiresAt: Date;
}

export interface Accepted extends IssuedSession {
  /** `enrol_totp` when TOTP is required (a cluster admin), else `offer_totp`. */
  next: 'enrol_totp' | 'offer_totp';
}

/** An address's local part as a username when it fits the rules, else nothing to suggest. */
function suggestUsername(email: string): string {
  const local = email
    .split('@')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '');
  return /^[a-z0-9][a-z0-9._-]{0,62}$/.test(local) ? local : '';
}

/**
 * Accounts made by mail: an admin's invitation, or self-registration when ATRIUM_SELF_REGISTRATION
 * is on. Either way a single-use, expiring link (stored as a digest) lets the person choose a
 * username and password; the account opens no library until an admin grants one.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly links: EmailLinkRepository,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionService,
    private readonly mail: MailService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditRepository,
    private readonly logins: LoginAuditService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Invites an address: mailed when SMTP_URL is set, otherwise the link is returned to hand over. */
  async invite(input: InvitationInput, actor: string): Promise<Invitation> {
    const email = requireEmail(input.email);
    const fields: InvitationFields = {
      ...(input.name?.trim() ? { name: input.name.trim().slice(0, 200) } : {}),
      ...(input.role !== undefined ? { role: parseInstanceRole(input.role) } : {}),
      ...(input.clusterAdmin ? { clusterAdmin: true } : {}),
      ...(input.groups?.length ? { groups: input.groups.map((g) => parseGroup(g)) } : {}),
    };
    const ttl = input.expiresInMs ?? INVITE_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl < 60_000 || ttl > MAX_INVITE_TTL_MS)
      throw new PortalError('ERR_EXPIRY_INVALID', 'an invitation expires after 1 minute to 30 days');
    const token = generateSecretToken();
    const now = this.clock.now();
    const link = linkRecord('invite', token, email, null, fields, actor, now, ttl);
    await this.db.transaction(async (em) => {
      if ((await this.accounts.findByEmail(email, em)).length)
        throw new PortalError('ERR_EMAIL_TAKEN', `an account with ${email} exists already`, 409);
      await this.links.discardForEmail('invite', email, em);
      await this.links.insert(link, em);
      if (this.mail.enabled)
        await this.mail.queue(
          email,
          'invite',
          invitationMail({
            link: this.url('invite', token),
            site: this.site(),
            lifetimeMs: ttl,
            name: fields.name,
          }),
          em,
        );
      await this.audit.admin(
        {
          actor,
          action: 'users.invite',
          target: email,
          details: { ...fields, expiresAt: link.expiresAt.toISOString(), mailed: this.mail.enabled },
        },
        em,
      );
    });
    return {
      id: link.id,
      email,
      expiresAt: link.expiresAt,
      mailed: this.mail.enabled,
      ...(this.mail.enabled ? {} : { link: this.url('invite', token) }),
    };
  }

  /** Invitations not yet accepted (for the admin screens). */
  async pending(): Promise<
    {
      id: string;
      email: string;
      fields: InvitationFields;
      createdBy: string;
      createdAt: Date;
      expiresAt: Date;
    }[]
  > {
    return (await this.links.pendingInvitations(this.clock.now())).map((l) => ({
      id: l.id,
      email: l.email,
      fields: l.fields,
      createdBy: l.createdBy,
      createdAt: l.createdAt,
      expiresAt: l.expiresAt,
    }));
  }

  /** Withdraws an invitation that was not used yet: its link stops working. */
  async revoke(id: string, actor: string): Promise<void> {
    await this.db.transaction(async (em) => {
      if (!(await this.links.deleteInvitation(id, em)))
        throw new PortalError('ERR_LINK_INVALID', 'no such pending invitation', 404);
      await this.audit.admin({ actor, action: 'users.invite.revoke', target: id }, em);
    });
  }

  /**
   * Self-registration: mails a link to finish creating an account, or, for an address that has
   * one, a pointer to the reset page. The answer is the same either way.
   */
  async register(email: string, meta: SessionMeta): Promise<void> {
    if (!this.settings.selfRegistration)
      throw new PortalError(
        'ERR_FEATURE_DISABLED',
        'self-registration is off; ask an administrator for an invitation',
        404,
      );
    const address = await openMailRequest(
      this.mail.enabled,
      this.throttle,
      email,
      meta,
      'ask an administrator for an invitation',
    );
    const now = this.clock.now();
    await this.db.transaction(async (em) => {
      if ((await this.accounts.findByEmail(address, em)).length) {
        await this.mail.queue(
          address,
          'register',
          alreadyRegisteredMail({ resetPage: `${this.settings.publicUrl}/reset`, site: this.site() }),
          em,
        );
        return;
      }
      const token = generateSecretToken();
      await this.links.discardForEmail('register', address, em);
      await this.links.insert(
        linkRecord('register', token, address, null, {}, 'self', now, REGISTER_TTL_MS),
        em,
      );
      await this.mail.queue(
        address,
        'register',
        registrationMail({ link: this.url('invite', token), site: this.site(), lifetimeMs: REGISTER_TTL_MS }),
        em,
      );
    });
  }

  /** What the invitation page needs; an unknown, used or expired link is refused. */
  async describe(token: string, meta: SessionMeta): Promise<LinkDescription> {
    const link = await this.live(token, meta);
    return {
      kind: link.kind,
      email: link.email,
      name: link.fields.name ?? '',
      suggestedUsername: suggestUsername(link.email),
      expiresAt: link.expiresAt,
    };
  }

  /**
   * Creates the account from an invitation or registration link (used once), and a session: one
   * that must enrol TOTP first for a cluster admin (docs/architecture.md rule 4), else a full one.
   */
  async accept(
    token: string,
    input: { username: string; password: string; name?: string },
    meta: SessionMeta,
  ): Promise<Accepted> {
    // The link first: nobody without one gets the portal to hash a password.
    const { kind } = await this.live(token, meta);
    const username = parseUsername(input.username);
    const passwordHash = await checkedPasswordHash(input.password);
    const id = randomUUID();
    const now = this.clock.now();
    const account = await this.db.transaction(async (em) => {
      const link = await this.links.take(digestSecret(token), ['invite', 'register'], now, em);
      if (!link) throw invalidLink();
      if (await this.accounts.findByUsername(username, em))
        throw new PortalError('ERR_USERNAME_TAKEN', `username already taken: ${username}`, 409, {
          field: 'username',
        });
      if ((await this.accounts.findByEmail(link.email, em)).length)
        throw new PortalError('ERR_EMAIL_TAKEN', `an account with ${link.email} exists already`, 409);
      const values = {
        id,
        username,
        name: (input.name?.trim() || link.fields.name || '').slice(0, 200),
        email: link.email,
        emailVerified: true,
        accountRole: link.fields.role ?? (link.kind === 'register' ? this.settings.defaultRole : 'user'),
        clusterAdmin: link.kind === 'invite' && link.fields.clusterAdmin === true,
        passwordHash,
      };
      await this.accounts.insert(values, em);
      await this.accounts.addGroups(
        id,
        link.kind === 'invite' ? (link.fields.groups ?? []) : [],
        'portal',
        em,
      );
      await this.audit.admin(
        {
          actor: link.kind === 'invite' ? `invitation:${link.createdBy}` : 'self-registration',
          action: 'users.add',
          target: username,
          details: {
            email: link.email,
            accountRole: values.accountRole,
            clusterAdmin: values.clusterAdmin,
            link: link.id,
          },
        },
        em,
      );
      return (await this.accounts.findById(id, em))!;
    });
    const stage = firstStage(account);
    await this.logins.record({
      method: kind === 'register' ? 'registration' : 'invitation',
      username,
      accountId: id,
      result: stage === 'enrol_totp' ? 'partial' : 'success',
      reason: stage === 'enrol_totp' ? 'totp_enrolment_required' : null,
      meta,
    });
    const issued = await this.sessions.create(id, stage, ['pwd'], meta);
    return { ...issued, next: stage === 'enrol_totp' ? 'enrol_totp' : 'offer_totp' };
  }

  /** A live invitation or registration link, or ERR_LINK_INVALID counted on the address's throttle. */
  private async live(token: string, meta: SessionMeta): Promise<EmailLinkEntity> {
    const key = linkAddressKey(meta);
    await this.throttle.attempt([], [key]);
    const link = await this.links.findByDigest(digestSecret(token));
    const reason = linkRefusal(link, ['invite', 'register'], this.clock.now());
    if (reason) {
      await this.throttle.fail(key, LINK_POLICY);
      await this.logins.record({
        method: link?.kind === 'register' ? 'registration' : 'invitation',
        username: link?.email ?? '',
        result: 'failure',
        reason,
        meta,
      });
      throw invalidLink();
    }
    return link!;
  }

  /** Every link starts at PUBLIC_URL, never at a request's Host header. */
  private url(page: 'invite', token: string): string {
    return `${this.settings.publicUrl}/${page}/${token}`;
  }

  private site(): string {
    return new URL(this.settings.publicUrl).host;
  }
}
