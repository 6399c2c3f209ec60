import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AdminAuditEntity, LoginAuditEntity } from '../entities/audit.entity.js';
import { escapeLike } from './account.repository.js';

/** The admin audit log and the sign-in log. */
@Injectable()
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  async admin(
    entry: { actor: string; action: string; target: string; details?: Record<string, unknown> },
    em?: EntityManager,
  ): Promise<void> {
    await (em ?? this.ds.manager)
      .getRepository(AdminAuditEntity)
      .insert({ ...entry, details: (entry.details ?? {}) as never });
  }

  async login(entry: Omit<LoginAuditEntity, 'id' | 'at'>): Promise<void> {
    await this.ds.getRepository(LoginAuditEntity).insert(entry);
  }

  /** Newest first; `before` (an entry id) pages back through older entries. */
  adminEntries(search?: string, limit = 1000, before?: string): Promise<AdminAuditEntity[]> {
    const qb = this.ds
      .getRepository(AdminAuditEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (before) qb.andWhere('e.id < :before', { before });
    if (search)
      qb.andWhere('(e.actor ILIKE :s OR e.action ILIKE :s OR e.target ILIKE :s)', {
        s: `%${escapeLike(search)}%`,
      });
    return qb.getMany();
  }

  /**
   * Sign-in attempts newest first, `limit` of them older than the entry `before` (an id), matching
   * every filter given; `search` looks in the username, address, reason, method and provider.
   */
  loginEntries(query: LoginAuditQuery): Promise<LoginAuditEntity[]> {
    const qb = this.ds
      .getRepository(LoginAuditEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(query.limit);
    if (query.before !== undefined) qb.andWhere('e.id < :before', { before: query.before });
    if (query.search)
      qb.andWhere(
        '(e.username ILIKE :s OR e.ip ILIKE :s OR e.reason ILIKE :s OR e.method ILIKE :s OR e.provider ILIKE :s)',
        { s: `%${escapeLike(query.search)}%` },
      );
    for (const field of ['method', 'result', 'reason', 'provider', 'accountId'] as const) {
      const value = query[field];
      if (value !== undefined) qb.andWhere(`e.${field} = :${field}`, { [field]: value });
    }
    return qb.getMany();
  }
}

/** Filters of {@link AuditRepository.loginEntries}, already validated. */
export interface LoginAuditQuery {
  search?: string;
  method?: string;
  result?: string;
  reason?: string;
  provider?: string;
  accountId?: string;
  /** Only entries with a smaller id (the cursor of the previous page). */
  before?: string;
  limit: number;
}
