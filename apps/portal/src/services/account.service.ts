import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { defaultAccountRole } from '@atrium/policy';
import { hashPassword, isAuthError } from '@atrium/auth';
import type { EntityManager } from 'typeorm';
import { AUTH_PROVIDERS, type AccountEntity, type AuthProvider } from '../entities/account.entity.js';
import { AdmissionRepository, type GrantRow } from '../repositories/admission.repository.js';
import { AccountRepository, type AccountFilter } from '../repositories/account.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { PortalError } from '../common/errors.js';
import { RevocationService } from './revocation.service.js';
import { parseEmail, parseGroup, parseInstanceRole, parsePathTemplate, parseUsername } from '../common/validation.js';

/** Fields an admin sets on an account (`atrium users add/mod`). */
export interface AccountFields {
  name?: string;
  email?: string | null;
  role?: string;
  authProvider?: string;
  authId?: string | null;
  basePath?: string | null;
  uploadPath?: string | null;
  webdav?: boolean;
  clusterAdmin?: boolean;
  canLogin?: boolean;
}

export interface AccountChanges extends AccountFields {
  disabled?: boolean;
  addGroups?: string[];
  removeGroups?: string[];
  /** Removes TOTP and recovery codes, e.g. after a lost phone. */
  resetTotp?: boolean;
}

export interface AccountView {
  account: AccountEntity;
  groups: string[];
  grants: GrantRow[];
}

export const MIN_PASSWORD_LENGTH = 8;

function parseProvider(value: string): AuthProvider {
  if (!(AUTH_PROVIDERS as readonly string[]).includes(value)) {
    throw new PortalError(
      'ERR_USERNAME_INVALID',
      `unknown sign-in method ${JSON.stringify(value)}; use ${AUTH_PROVIDERS.join(', ')}`,
    );
  }
  return value as AuthProvider;
}

/**
 * `--auth-id`: the subject an account is linked by. For an OIDC account `ISSUER#SUB` names the
 * provider too (needed with several providers); a bare subject is claimed by the only provider.
 */
function parseAuthId(value: string | null, provider: AuthProvider | undefined): Pick<AccountEntity, 'authId' | 'authIssuer'> {
  const text = value?.trim() || null;
  const hash = text?.indexOf('#') ?? -1;
  if (text && provider === 'oidc' && /^https?:\/\//.test(text) && hash > 0) {
    const [issuer, subject] = [text.slice(0, hash), text.slice(hash + 1)];
    if (!subject) throw new PortalError('ERR_USERNAME_INVALID', 'an OIDC --auth-id is ISSUER#SUBJECT or SUBJECT');
    return { authIssuer: issuer, authId: subject };
  }
  return { authIssuer: null, authId: text };
}

/** Turns admin input into stored columns, validating each. */
function columns(fields: AccountFields): Partial<AccountEntity> {
  const out: Partial<AccountEntity> = {};
  if (fields.name !== undefined) out.name = fields.name.trim().slice(0, 200);
  if (fields.email !== undefined) out.email = parseEmail(fields.email);
  if (fields.role !== undefined) out.accountRole = parseInstanceRole(fields.role);
  if (fields.authProvider !== undefined) out.authProvider = parseProvider(fields.authProvider);
  if (fields.authId !== undefined) Object.assign(out, parseAuthId(fields.authId, out.authProvider));
  if (fields.basePath !== undefined) out.basePath = parsePathTemplate(fields.basePath, 'base path');
  if (fields.uploadPath !== undefined) out.uploadPath = parsePathTemplate(fields.uploadPath, 'upload path');
  if (fields.webdav !== undefined) out.webdav = fields.webdav;
  if (fields.clusterAdmin !== undefined) out.clusterAdmin = fields.clusterAdmin;
  if (fields.canLogin !== undefined) out.canLogin = fields.canLogin;
  return out;
}

export async function checkedPasswordHash(password: string): Promise<string> {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new PortalError(
      'ERR_PASSWORD_INVALID',
      `a password has at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  try {
    return await hashPassword(password);
  } catch (error) {
    if (isAuthError(error)) throw new PortalError('ERR_PASSWORD_INVALID', error.message);
    throw error;
  }
}

/**
 * Account administration (`atrium users …`, `atrium passwd`): every change is audited, and a change
 * that narrows access (role lowered, groups removed, disabled, deleted) ends instance sessions now.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountRepository,
    private readonly admission: AdmissionRepository,
    private readonly audit: AuditRepository,
    private readonly revocation: RevocationService,
  ) {}

  async create(
    username: string,
    fields: AccountFields & { password?: string; groups?: string[] },
    actor: string,
  ): Promise<AccountEntity> {
    const name = parseUsername(username);
    const values = columns(fields);
    const groups = (fields.groups ?? []).map((g) => parseGroup(g));
    const passwordHash = fields.password === undefined ? null : await checkedPasswordHash(fields.password);
    const id = randomUUID();
    await this.db.transaction(async (em) => {
      if (await this.accounts.findByUsername(name, em))
        throw new PortalError('ERR_USERNAME_TAKEN', `username already taken: ${name}`, 409);
      await this.accounts.insert(
        { id, username: name, accountRole: defaultAccountRole('admin'), ...values, passwordHash },
        em,
      );
      await this.accounts.addGroups(id, groups, 'portal', em);
      await this.audit.admin(
        { actor, action: 'users.add', target: name, details: { ...auditable(values), groups } },
        em,
      );
    });
    return (await this.accounts.findById(id))!;
  }

  /**
   * `self`, when given, is the account making the change (an admin in the portal): it may not
   * disable itself or drop its own cluster_admin flag, so the cluster never loses its last way in.
   */
  async modify(
    username: string,
    changes: AccountChanges,
    actor: string,
    self?: string,
  ): Promise<AccountEntity> {
    const account = await this.require(username);
    if (account.id === self && (changes.disabled === true || changes.clusterAdmin === false))
      throw new PortalError('ERR_SELF_LOCKOUT', 'you cannot disable your own account or drop your own admin role', 409);
    const values = columns(changes);
    if (changes.disabled !== undefined) values.disabled = changes.disabled;
    if (changes.resetTotp) Object.assign(values, { totpSecret: null, totpLastStep: null, recoveryCodes: [] });
    const add = (changes.addGroups ?? []).map((g) => parseGroup(g));
    const remove = (changes.removeGroups ?? []).map((g) => parseGroup(g));
    await this.revocation.trackAdmission({ accountIds: [account.id], nodeIds: 'all' }, async (em) => {
      if (Object.keys(values).length) await this.accounts.update(account.id, values, em);
      await this.accounts.addGroups(account.id, add, 'portal', em);
      await this.accounts.removeGroups(account.id, remove, 'portal', em);
      if (changes.disabled === true && !account.disabled)
        await this.revocation.endAccount(account.id, 'account_disabled', em);
      await this.audit.admin(
        {
          actor,
          action: 'users.mod',
          target: account.username,
          details: { ...auditable(values), addGroups: add, removeGroups: remove },
        },
        em,
      );
    });
    return (await this.accounts.findById(account.id))!;
  }

  async remove(username: string, actor: string, self?: string): Promise<void> {
    const account = await this.require(username);
    if (account.id === self)
      throw new PortalError('ERR_SELF_LOCKOUT', 'you cannot delete your own account', 409);
    await this.db.transaction(async (em) => {
      await this.revocation.endAccount(account.id, 'account_deleted', em);
      await this.accounts.delete(account.id, em);
      await this.audit.admin(
        { actor, action: 'users.rm', target: account.username, details: { id: account.id } },
        em,
      );
    });
  }

  /** Sets (or with `null` removes) the local password. */
  async setPassword(username: string, password: string | null, actor: string): Promise<void> {
    const account = await this.require(username);
    const passwordHash = password === null ? null : await checkedPasswordHash(password);
    await this.db.transaction(async (em) => {
      await this.accounts.update(account.id, { passwordHash }, em);
      await this.audit.admin(
        { actor, action: password === null ? 'passwd.rm' : 'passwd.set', target: account.username },
        em,
      );
    });
  }

  list(search?: string): Promise<AccountEntity[]> {
    return this.accounts.search(search);
  }

  /** One numbered page of accounts with their groups, and how many match (the admin's user list). */
  async page(
    filter: AccountFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: { account: AccountEntity; groups: string[] }[]; total: number }> {
    const [accounts, total] = await Promise.all([
      this.accounts.page(filter, page),
      this.accounts.count(filter),
    ]);
    const groups = await this.accounts.groupsOf(accounts.map((a) => a.id));
    return { items: accounts.map((account) => ({ account, groups: groups.get(account.id) ?? [] })), total };
  }

  /** Accounts and group names containing `search`, for the admin's pickers. */
  async directory(
    search: string,
    limit: number,
  ): Promise<{ users: { username: string; name: string }[]; groups: string[] }> {
    const q = search.trim();
    const [accounts, groups] = await Promise.all([
      this.accounts.page({ search: q || undefined }, { limit }),
      this.accounts.knownGroups(q, limit),
    ]);
    return { users: accounts.map((a) => ({ username: a.username, name: a.name })), groups };
  }

  async show(username: string): Promise<AccountView> {
    const account = await this.require(username);
    const [groups, grants] = await Promise.all([
      this.accounts.groups(account.id),
      this.admission.listGrants({ accountId: account.id }),
    ]);
    return { account, groups, grants };
  }

  async require(username: string, em?: EntityManager): Promise<AccountEntity> {
    const account = await this.accounts.findByUsername(
      typeof username === 'string' ? username.trim().toLowerCase() : '',
      em,
    );
    if (!account) throw new PortalError('ERR_ACCOUNT_NOT_FOUND', `no such account: ${username}`, 404);
    return account;
  }
}

/** What the audit log keeps of a change: never a secret. */
function auditable(values: Partial<AccountEntity>): Record<string, unknown> {
  const { passwordHash: _p, totpSecret: _t, recoveryCodes: _r, ...rest } = values;
  return { ...rest, ...(_t === null ? { totpReset: true } : {}) };
}
