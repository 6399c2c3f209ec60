import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AdminAuditEntity, LoginAuditEntity } from '../entities/audit.entity.js';

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

  adminEntries(search?: string, limit = 1000): Promise<AdminAuditEntity[]> {
    const qb = this.ds
      .getRepository(AdminAuditEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (search)
      qb.where('(e.actor ILIKE :s OR e.action ILIKE :s OR e.target ILIKE :s)', {
        s: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    return qb.getMany();
  }

  loginEntries(search?: string, limit = 1000): Promise<LoginAuditEntity[]> {
    const qb = this.ds
      .getRepository(LoginAuditEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (search)
      qb.where('(e.username ILIKE :s OR e.ip ILIKE :s OR e.outcome ILIKE :s)', {
        s: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    return qb.getMany();
  }
}
