import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PreparedQueries } from './prepared.js';

export interface StoredPayload {
  payload: Record<string, unknown>;
  consumedAt: Date | null;
}

/** oidc-provider's storage, one table for every model (what its adapter interface expects). */
@Injectable()
export class OidcPayloadRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  async upsert(
    model: string,
    id: string,
    payload: Record<string, unknown>,
    expiresAt: Date | null,
    keys: { grantId?: string; uid?: string; accountId?: string },
  ): Promise<void> {
    await this.prepared.rows(
      'oidc_upsert',
      `INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, account_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
         account_id = EXCLUDED.account_id, expires_at = EXCLUDED.expires_at`,
      [
        model,
        id,
        JSON.stringify(payload),
        keys.grantId ?? null,
        keys.uid ?? null,
        keys.accountId ?? null,
        expiresAt,
      ],
    );
  }

  async find(model: string, id: string, now: Date): Promise<StoredPayload | undefined> {
    const rows = await this.prepared.rows<{ payload: Record<string, unknown>; consumed_at: Date | null }>(
      'oidc_find',
      'SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3)',
      [model, id, now],
    );
    return rows[0] ? { payload: rows[0].payload, consumedAt: rows[0].consumed_at } : undefined;
  }

  async findByUid(
    model: string,
    uid: string,
    now: Date,
  ): Promise<{ id: string; payload: Record<string, unknown> } | undefined> {
    const rows = await this.prepared.rows<{ id: string; payload: Record<string, unknown> }>(
      'oidc_find_uid',
      'SELECT id, payload FROM oidc_payloads WHERE model = $1 AND uid = $2 AND (expires_at IS NULL OR expires_at > $3)',
      [model, uid, now],
    );
    return rows[0];
  }

  /**
   * Reads a code and marks it consumed in one statement (the token endpoint's only use of a code).
   * `consumedAt` is when an earlier request consumed it, or null when this request did.
   */
  async findAndConsume(model: string, id: string, now: Date): Promise<StoredPayload | undefined> {
    const rows = await this.prepared.rows<{ payload: Record<string, unknown>; consumed_before: Date | null }>(
      'oidc_find_consume',
      `WITH earlier AS (SELECT consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3) FOR UPDATE)
       UPDATE oidc_payloads SET consumed_at = coalesce(oidc_payloads.consumed_at, $3)
       FROM earlier WHERE model = $1 AND id = $2
       RETURNING payload, earlier.consumed_at AS consumed_before`,
      [model, id, now],
    );
    const row = rows[0];
    return row ? { payload: row.payload, consumedAt: row.consumed_before } : undefined;
  }

  /** Marks a code consumed; false when another request consumed it first. */
  async consume(model: string, id: string, now: Date): Promise<boolean> {
    return (
      (await this.prepared.count(
        'oidc_consume',
        'UPDATE oidc_payloads SET consumed_at = $3 WHERE model = $1 AND id = $2 AND consumed_at IS NULL',
        [model, id, now],
      )) === 1
    );
  }

  async destroy(model: string, id: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [
      model,
      id,
    ]);
  }

  async revokeByGrantId(grantId: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
  }

  /** Grants of the account, optionally only those for one client. */
  async grantIdsOf(accountId: string, clientId?: string, em?: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await (em ?? this.ds.manager).query(
      `SELECT id FROM oidc_payloads WHERE model = 'Grant' AND account_id = $1 AND ($2::text IS NULL OR payload->>'clientId' = $2)`,
      [accountId, clientId ?? null],
    );
    return rows.map((r) => r.id);
  }

  /** Grants issued to a client, for node removal. */
  async grantIdsOfClient(clientId: string, em?: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await (em ?? this.ds.manager).query(
      `SELECT id FROM oidc_payloads WHERE model = 'Grant' AND payload->>'clientId' = $1`,
      [clientId],
    );
    return rows.map((r) => r.id);
  }

  /** The issuer's sessions of an account (all of them, or those with the given uids). */
  async sessionsOf(
    filter: { accountId?: string; uids?: string[] },
    em?: EntityManager,
  ): Promise<{ id: string; payload: Record<string, unknown> }[]> {
    return (em ?? this.ds.manager).query(
      `SELECT id, payload FROM oidc_payloads WHERE model = 'Session'
       AND ($1::text IS NULL OR account_id = $1) AND ($2::text[] IS NULL OR uid = ANY($2))`,
      [filter.accountId ?? null, filter.uids ?? null],
    );
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.ds.query('DELETE FROM oidc_payloads WHERE expires_at < $1', [now]);
  }
}
