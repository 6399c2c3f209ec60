import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { OpSessionLinkEntity, PortalSessionEntity } from '../entities/session.entity.js';
import { escapeLike } from './account.repository.js';
import { PreparedQueries } from './prepared.js';

export interface SessionListRow extends PortalSessionEntity {
  username: string;
}

/** A portal session and whether its account still exists and is enabled. */
export interface SessionWithAccount {
  session: PortalSessionEntity;
  accountActive: boolean;
}

/**
 * What `sessionWithAccount` reads, over `portal_sessions s LEFT JOIN accounts a`. `amr` comes as
 * JSON: pg's parser for text arrays costs more than the rest of the row on the issuer's hot path.
 */
export const SESSION_WITH_ACCOUNT_COLUMNS = `s.id, s.ref, s.account_id, s.stage, to_json(s.amr) AS amr, s.csrf_token,
  s.pending_totp, s.auth_time, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent,
  (a.id IS NOT NULL AND NOT a.disabled) AS account_active`;

/** A row of `SESSION_WITH_ACCOUNT_COLUMNS`; undefined when the session was not found. */
export function sessionWithAccount(row: Record<string, never> | undefined): SessionWithAccount | undefined {
  if (!row?.id) return undefined;
  const session: PortalSessionEntity = {
    id: row.id,
    ref: row.ref,
    accountId: row.account_id,
    stage: row.stage,
    amr: row.amr,
    csrfToken: row.csrf_token,
    pendingTotp: row.pending_totp,
    authTime: row.auth_time,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
  return { session, accountActive: row.account_active };
}

/** Portal sessions and their links to the issuer's sessions. */
@Injectable()
export class SessionRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(PortalSessionEntity);
  }

  findById(id: string, em?: EntityManager): Promise<PortalSessionEntity | null> {
    return this.repo(em).findOneBy({ id });
  }

  /** The session with whether its account still exists and is enabled, in one query. */
  async findWithAccount(id: string): Promise<SessionWithAccount | undefined> {
    const [row] = await this.prepared.rows<Record<string, never>>(
      'session_with_account',
      `SELECT ${SESSION_WITH_ACCOUNT_COLUMNS} FROM portal_sessions s LEFT JOIN accounts a ON a.id = s.account_id WHERE s.id = $1`,
      [id],
    );
    return sessionWithAccount(row);
  }

  findByRef(ref: string): Promise<PortalSessionEntity | null> {
    return this.repo().findOneBy({ ref });
  }

  async allIds(): Promise<string[]> {
    return (await this.repo().find({ select: { id: true } })).map((s) => s.id);
  }

  forAccount(accountId: string, em?: EntityManager): Promise<PortalSessionEntity[]> {
    return this.repo(em).findBy({ accountId });
  }

  async insert(session: PortalSessionEntity, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(session);
  }

  async update(id: string, patch: Partial<PortalSessionEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, patch);
  }

  /** Deletes the session; false when it was already gone. */
  async delete(id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.ds.query('DELETE FROM portal_sessions WHERE expires_at < $1', [now]);
    await this.ds.query(
      `DELETE FROM op_session_links l WHERE NOT EXISTS (SELECT 1 FROM oidc_payloads p WHERE p.model = 'Session' AND p.uid = l.op_session_uid)
       OR NOT EXISTS (SELECT 1 FROM portal_sessions s WHERE s.id = l.portal_session_id)`,
    );
  }

  /** Newest first; `offset`/`limit` page through them (every session when no limit is given). */
  list(search?: string, page: { offset?: number; limit?: number } = {}): Promise<SessionListRow[]> {
    const params: unknown[] = [];
    let where = '';
    if (search) {
      params.push(`%${escapeLike(search)}%`);
      where = 'WHERE a.username ILIKE $1 OR s.ip ILIKE $1 OR s.ref ILIKE $1';
    }
    const limit = page.limit === undefined ? '' : `LIMIT $${params.push(page.limit)}`;
    const offset = page.offset ? `OFFSET $${params.push(page.offset)}` : '';
    return this.ds
      .query(
        `SELECT s.ref, s.account_id, s.stage, s.amr, s.auth_time, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, a.username
         FROM portal_sessions s JOIN accounts a ON a.id = s.account_id ${where} ORDER BY s.created_at DESC, s.ref ${limit} ${offset}`,
        params,
      )
      .then(
        (rows: Record<string, unknown>[]) =>
          rows.map((r) => ({
            ref: r.ref,
            accountId: r.account_id,
            stage: r.stage,
            amr: r.amr,
            authTime: r.auth_time,
            createdAt: r.created_at,
            lastSeenAt: r.last_seen_at,
            expiresAt: r.expires_at,
            ip: r.ip,
            userAgent: r.user_agent,
            username: r.username,
          })) as SessionListRow[],
      );
  }

  async link(opSessionUid: string, portalSessionId: string, accountId: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO op_session_links (op_session_uid, portal_session_id, account_id) VALUES ($1, $2, $3)
       ON CONFLICT (op_session_uid) DO UPDATE SET portal_session_id = EXCLUDED.portal_session_id, account_id = EXCLUDED.account_id`,
      [opSessionUid, portalSessionId, accountId],
    );
  }

  async relink(fromSessionId: string, toSessionId: string): Promise<void> {
    await this.ds.query('UPDATE op_session_links SET portal_session_id = $2 WHERE portal_session_id = $1', [
      fromSessionId,
      toSessionId,
    ]);
  }

  linksOf(portalSessionIds: string[], em?: EntityManager): Promise<OpSessionLinkEntity[]> {
    if (!portalSessionIds.length) return Promise.resolve([]);
    return (em ?? this.ds.manager)
      .getRepository(OpSessionLinkEntity)
      .findBy({ portalSessionId: In(portalSessionIds) });
  }

  linksOfAccount(accountId: string, em?: EntityManager): Promise<OpSessionLinkEntity[]> {
    return (em ?? this.ds.manager).getRepository(OpSessionLinkEntity).findBy({ accountId });
  }

  async unlink(opSessionUids: string[], em?: EntityManager): Promise<void> {
    if (!opSessionUids.length) return;
    await (em ?? this.ds.manager)
      .getRepository(OpSessionLinkEntity)
      .delete({ opSessionUid: In(opSessionUids) });
  }
}
