import { Injectable } from '@nestjs/common';
import type { AdminAuditEntity } from '../entities/audit.entity.js';
import { AuditRepository } from '../repositories/audit.repository.js';

/** The admin audit, read a page at a time: who changed what, from the portal or the CLI. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Newest first; `cursor` is the `nextCursor` of the previous page (older entries). */
  async list(filter: {
    search?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ entries: AdminAuditEntity[]; nextCursor: string | null }> {
    const rows = await this.audit.adminEntries(filter.search, filter.limit + 1, filter.cursor);
    const entries = rows.slice(0, filter.limit);
    return { entries, nextCursor: rows.length > filter.limit ? entries.at(-1)!.id : null };
  }
}
