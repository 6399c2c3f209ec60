import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccountEntity, AccountGroupEntity } from '../entities/account.entity.js';
import { affectedCount } from './sql.js';

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
