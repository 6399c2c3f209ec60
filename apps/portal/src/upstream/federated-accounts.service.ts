import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { defaultAccountRole } from '@atrium/policy';
import type { EntityManager } from 'typeorm';
import type { LoginReason } from '../common/login-reasons.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import type { AccountEntity } from '../entities/account.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { UpstreamRepository } from '../repositories/upstream.repository.js';
import { RevocationService } from '../services/revocation.service.js';

/** A person as an organization's provider or directory describes them at sign-in. */
export interface UpstreamIdentity {
  kind: 'oidc' | 'ldap';
  /** The OIDC provider's issuer; null for LDAP. */
  issuer: string | null;
  /** `sub`, or the directory entry's entryUUID / objectGUID. */
  subject: string;
  /** A name to make the username from (preferred_username, uid, sAMAccountName). */
  usernameHint: string;
  /** Appended to the username after `@`: the OIDC provider's id; for LDAP only when the plain name is taken. */
  namespace: string;
  alwaysNamespaced: boolean;
  name: string;
  email: string | null;
  emailVerified: boolean;
  /** Groups as the mappings compare them (OIDC names as sent, LDAP normalized DNs). */
  groups: string[];
  createAccounts: boolean;
  /** True when exactly one OIDC provider is configured: it may claim an account pre-created without an issuer. */
  claimsUnboundAccounts?: boolean;
}

export type FederatedSignIn =
  | { account: AccountEntity; created: boolean }
  | {
      refused: Extract<LoginReason, 'oidc_account_creation_disabled' | 'account_disabled' | 'login_disabled'>;
      account?: AccountEntity;
    };

const MAX_GROUPS = 500;
const MAX_GROUP_LENGTH = 1024;

/** Lower case `[a-z0-9._-]`, starting with a letter or digit, at most `max` characters. */
export function usernameBase(hint: string, max: number): string {
  const cleaned = hint
    .toLowerCase()
    .replace(/@/g, '.')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, max)
    .replace(/[^a-z0-9]+$/, '');
  return cleaned || 'user';
}

/** The groups worth keeping: printable strings, deduplicated, at most {@link MAX_GROUPS}. */
export function cleanGroups(groups: string[]): string[] {
  const kept = groups.filter((g) => g.length > 0 && g.length <= MAX_GROUP_LENGTH && !/\p{Cc}/u.test(g));
  return [...new Set(kept)].slice(0, MAX_GROUPS);
}

/**
 * Accounts of people who sign in through an organization (OIDC, LDAP): linked by (issuer,
 * subject) only — never by email or username — created on first sign-in with the configured
 * account role (never cluster_admin), their groups replaced at each sign-in so a change at the
 * provider takes effect now (narrowed access ends instance sessions, docs/architecture.md rule 8).
 */
@Injectable()
export class FederatedAccountService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly upstream: UpstreamRepository,
    private readonly revocation: RevocationService,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  async signIn(identity: UpstreamIdentity): Promise<FederatedSignIn> {
    const groups = cleanGroups(identity.groups);
    let account = await this.find(identity);
    let created = false;
    if (!account) {
      if (!identity.createAccounts) return { refused: 'oidc_account_creation_disabled' };
      account = await this.create(identity);
      created = true;
    }
    if (account.disabled) return { refused: 'account_disabled', account };
    if (!account.canLogin) return { refused: 'login_disabled', account };
    await this.refresh(account, identity, groups);
    return { account: (await this.accounts.findById(account.id))!, created };
  }

  private async find(identity: UpstreamIdentity): Promise<AccountEntity | null> {
    const linked = await this.upstream.findLinked(identity.kind, identity.issuer, identity.subject);
    if (linked || identity.kind !== 'oidc' || !identity.claimsUnboundAccounts) return linked;
    // An admin may create an OIDC account with only its subject (`atrium users add -A oidc
    // --auth-id SUB`); with a single provider there is no doubt which one it belongs to.
    const unbound = await this.upstream.findLinked('oidc', null, identity.subject);
    if (unbound) await this.accounts.update(unbound.id, { authIssuer: identity.issuer });
    return unbound ? { ...unbound, authIssuer: identity.issuer } : null;
  }

  private async create(identity: UpstreamIdentity): Promise<AccountEntity> {
    for (let attempt = 1; ; attempt++) {
      const username = await this.freeUsername(identity, attempt);
      try {
        const id = randomUUID();
        await this.accounts.insert({
          id,
          username,
          name: identity.name.slice(0, 200),
          email: identity.email,
          emailVerified: identity.emailVerified,
          accountRole: defaultAccountRole('federated', this.settings.defaultRole),
          clusterAdmin: false,
          authProvider: identity.kind,
          authIssuer: identity.issuer,
          authId: identity.subject,
          passwordHash: null,
        });
        return (await this.accounts.findById(id))!;
      } catch (error) {
        // Two first sign-ins of one person at once: the other one created the account.
        if ((error as { code?: string }).code !== '23505' || attempt > 5) throw error;
        const linked = await this.upstream.findLinked(identity.kind, identity.issuer, identity.subject);
        if (linked) return linked;
      }
    }
  }

  /** `name@namespace` (LDAP: the plain name when free), with `-2`, `-3`… when taken. */
  private async freeUsername(identity: UpstreamIdentity, attempt: number): Promise<string> {
    const suffix = `@${identity.namespace}`;
    const base = usernameBase(identity.usernameHint, 63 - suffix.length - 4);
    if (!identity.alwaysNamespaced && attempt === 1 && !(await this.accounts.findByUsername(base)))
      return base;
    for (let n = 1; n < 1000; n++) {
      const candidate = `${base}${n === 1 ? '' : `-${n}`}${suffix}`;
      if (!(await this.accounts.findByUsername(candidate))) return candidate;
    }
    return `${randomUUID().slice(0, 8)}${suffix}`;
  }

  /** Profile fields follow the provider; groups of this source are replaced when they changed. */
  private async refresh(account: AccountEntity, identity: UpstreamIdentity, groups: string[]): Promise<void> {
    const profile: Partial<AccountEntity> = {};
    if (identity.name && identity.name !== account.name) profile.name = identity.name.slice(0, 200);
    if (identity.email !== account.email && identity.email !== null) {
      profile.email = identity.email;
      profile.emailVerified = identity.emailVerified;
    }
    if (Object.keys(profile).length) await this.accounts.update(account.id, profile);
    const current = await this.accounts.groupsBySource(account.id, identity.kind);
    const removed = current.filter((g) => !groups.includes(g));
    const added = groups.filter((g) => !current.includes(g));
    if (!removed.length && !added.length) return;
    await this.revocation.trackAdmission(
      { accountIds: [account.id], nodeIds: 'all' },
      async (em: EntityManager) => {
        await this.accounts.removeGroups(account.id, removed, identity.kind, em);
        await this.accounts.addGroups(account.id, added, identity.kind, em);
      },
    );
  }
}
