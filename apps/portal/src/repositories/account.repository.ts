import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccountEntity, AccountGroupEntity } from '../entities/account.entity.js';
import { affectedCount } from './sql.js';

/** Which accounts an admin listing shows: a text search and a group the account is in. */
export interface AccountFilter {
  search?: string;
  group?: string;
}

/** Accounts and the groups kept for them. */
@Injectable()
export class AccountRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(AccountEntity);
  }

  findById(id: string, em?: EntityManager): Promise<AccountEntity | null> {
    return this.repo(em).findOneBy({ id });
  }

  findByUsername(username: string, em?: EntityManager): Promise<AccountEntity | null> {
    return this.repo(em).findOneBy({ username });
  }

  /** Accounts with this email address, compared case-insensitively (an address may serve several). */
  findByEmail(email: string, em?: EntityManager): Promise<AccountEntity[]> {
    return this.repo(em)
      .createQueryBuilder('a')
      .where('lower(a.email) = lower(:email)', { email })
      .orderBy('a.username')
      .getMany();
  }

  findByIds(ids: string[], em?: EntityManager): Promise<AccountEntity[]> {
    return ids.length ? this.repo(em).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** Group names per account, for many accounts in one query. */
  async groupsOf(ids: string[], em?: EntityManager): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (!ids.length) return map;
    const rows = await (em ?? this.ds.manager)
      .getRepository(AccountGroupEntity)
      .find({ where: { accountId: In(ids) }, order: { groupName: 'ASC' } });
    for (const row of rows) {
      const list = map.get(row.accountId)!;
      if (!list.includes(row.groupName)) list.push(row.groupName);
    }
    return map;
  }

  /** Accounts whose username, name or email contains `search`, by username. */
  search(search?: string): Promise<AccountEntity[]> {
    const qb = this.repo().createQueryBuilder('a').orderBy('a.username');
    if (search)
      qb.where('(a.username ILIKE :s OR a.name ILIKE :s OR a.email ILIKE :s)', {
        s: `%${escapeLike(search)}%`,
      });
    return qb.getMany();
  }

  private filtered(filter: AccountFilter) {
    const qb = this.repo().createQueryBuilder('a');
    if (filter.search)
      qb.andWhere('(a.username ILIKE :s OR a.name ILIKE :s OR a.email ILIKE :s)', {
        s: `%${escapeLike(filter.search)}%`,
      });
    if (filter.group)
      qb.andWhere(
        'EXISTS (SELECT 1 FROM account_groups g WHERE g.account_id = a.id AND g.group_name = :g)',
        { g: filter.group },
      );
    return qb;
  }

  /**
   * One page of accounts by username: after the username `after` (keyset, for walking every row)
   * or from `offset` (for numbered pages).
   */
  page(
    filter: AccountFilter,
    opts: { after?: string; offset?: number; limit: number },
  ): Promise<AccountEntity[]> {
    const qb = this.filtered(filter).orderBy('a.username').take(opts.limit);
    if (opts.after !== undefined) qb.andWhere('a.username > :after', { after: opts.after });
    if (opts.offset) qb.skip(opts.offset);
    return qb.getMany();
  }

  count(filter: AccountFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  /** Group names accounts are in or nodes admit, containing `search`, for the admin's picker. */
  async knownGroups(search: string, limit: number): Promise<string[]> {
    const rows: { name: string }[] = await this.ds.query(
      `SELECT name FROM (SELECT group_name AS name FROM account_groups UNION SELECT group_name FROM group_mappings) g
       WHERE name ILIKE $1 ORDER BY name LIMIT $2`,
      [`%${escapeLike(search)}%`, limit],
    );
    return rows.map((r) => r.name);
  }

  allIds(em?: EntityManager): Promise<string[]> {
    return this.repo(em)
      .find({ select: { id: true } })
      .then((rows) => rows.map((r) => r.id));
  }

  async insert(account: Partial<AccountEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(account);
  }

  async update(id: string, patch: Partial<AccountEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, patch);
  }

  async delete(id: string, em?: EntityManager): Promise<void> {
    await this.repo(em).delete({ id });
  }

  countClusterAdmins(): Promise<number> {
    return this.repo().countBy({ clusterAdmin: true, disabled: false });
  }

  async groups(accountId: string, em?: EntityManager): Promise<string[]> {
    const rows = await (em ?? this.ds.manager)
      .getRepository(AccountGroupEntity)
      .find({ where: { accountId }, order: { groupName: 'ASC' } });
    return [...new Set(rows.map((r) => r.groupName))];
  }

  /** The groups of one source (`portal`, `oidc`, `ldap`) an account has. */
  async groupsBySource(accountId: string, source: string, em?: EntityManager): Promise<string[]> {
    const rows = await (em ?? this.ds.manager)
      .getRepository(AccountGroupEntity)
      .find({ where: { accountId, source }, order: { groupName: 'ASC' } });
    return rows.map((r) => r.groupName);
  }

  async addGroups(accountId: string, groups: string[], source: string, em?: EntityManager): Promise<void> {
    if (!groups.length) return;
    await (em ?? this.ds.manager)
      .createQueryBuilder()
      .insert()
      .into(AccountGroupEntity)
      .values(groups.map((groupName) => ({ accountId, groupName, source })))
      .orIgnore()
      .execute();
  }

  async removeGroups(accountId: string, groups: string[], source: string, em?: EntityManager): Promise<void> {
    for (const groupName of groups)
      await (em ?? this.ds.manager)
        .getRepository(AccountGroupEntity)
        .delete({ accountId, groupName, source });
  }

  /** Stores the TOTP step just used, only if it is newer than the last one: a code works once. */
  async advanceTotpStep(accountId: string, step: number): Promise<boolean> {
    const result = await this.ds.query(
      'UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)',
      [accountId, step],
    );
    return affectedCount(result) === 1;
  }

  /** Replaces the recovery codes only if they are still `expected`, so one code is spent once. */
  async replaceRecoveryCodes(accountId: string, expected: string[], next: string[]): Promise<boolean> {
    const result = await this.ds.query(
      'UPDATE accounts SET recovery_codes = $3 WHERE id = $1 AND recovery_codes = $2',
      [accountId, expected, next],
    );
    return affectedCount(result) === 1;
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
