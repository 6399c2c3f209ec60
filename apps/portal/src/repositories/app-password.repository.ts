import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppPasswordEntity } from '../entities/app-password.entity.js';
import { escapeLike } from './account.repository.js';

/** An app password with the names an admin or its owner reads (never its digest). */
export interface AppPasswordRow {
  id: string;
  accountId: string;
  username: string;
  nodeId: string;
  node: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

const ROW = `p.id, p.account_id AS "accountId", a.username, p.node_id AS "nodeId", n.name AS node, p.name,
  p.created_by AS "createdBy", p.created_at AS "createdAt", p.expires_at AS "expiresAt", p.last_used_at AS "lastUsedAt"
  FROM app_passwords p JOIN accounts a ON a.id = p.account_id JOIN nodes n ON n.id = p.node_id`;

/** App passwords (one instance each), kept as SHA-256 digests. */
@Injectable()
export class AppPasswordRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(AppPasswordEntity);
  }

  async insert(entity: AppPasswordEntity, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(entity);
  }

  /** Every app password of an account, digests included, for verification. */
  secretsOf(accountId: string): Promise<AppPasswordEntity[]> {
    return this.repo().findBy({ accountId });
  }

  countOf(accountId: string, em?: EntityManager): Promise<number> {
    return this.repo(em).countBy({ accountId });
  }

  rowsOf(accountId: string): Promise<AppPasswordRow[]> {
    return this.ds.query(`SELECT ${ROW} WHERE p.account_id = $1 ORDER BY p.created_at DESC`, [accountId]);
  }

  /** All app passwords whose owner, node or name contains `search` (`atrium auth ls`). */
  list(search?: string): Promise<AppPasswordRow[]> {
    if (!search) return this.ds.query(`SELECT ${ROW} ORDER BY p.created_at DESC`);
    return this.ds.query(
      `SELECT ${ROW} WHERE a.username ILIKE $1 OR n.name ILIKE $1 OR p.name ILIKE $1 ORDER BY p.created_at DESC`,
      [`%${escapeLike(search)}%`],
    );
  }

  async row(id: string): Promise<AppPasswordRow | undefined> {
    const rows: AppPasswordRow[] = await this.ds.query(`SELECT ${ROW} WHERE p.id = $1`, [id]);
    return rows[0];
  }

  async delete(id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async deleteForAccount(accountId: string, em?: EntityManager): Promise<void> {
    await this.repo(em).delete({ accountId });
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE app_passwords SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, now],
    );
  }
}
