import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { storable } from '@atrium/server';
import { JoinTokenEntity, NodeEntity } from '../entities/node.entity.js';
import { returnedRows } from './sql.js';

/** Nodes and their join tokens. */
@Injectable()
export class NodeRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(NodeEntity);
  }

  findById(id: string, em?: EntityManager): Promise<NodeEntity | null> {
    return this.repo(em).findOneBy({ id });
  }

  findByName(name: string, em?: EntityManager): Promise<NodeEntity | null> {
    return this.repo(em).findOneBy({ name });
  }

  /** Null for a client id Postgres text cannot hold (a NUL byte): no node has it. */
  findByClientId(clientId: string): Promise<NodeEntity | null> {
    if (!storable(clientId)) return Promise.resolve(null);
    return this.repo().findOneBy({ clientId });
  }

  list(em?: EntityManager): Promise<NodeEntity[]> {
    return this.repo(em).find({ order: { name: 'ASC' } });
  }

  async insert(node: Partial<NodeEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(node);
  }

  async update(id: string, patch: Partial<NodeEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ id }, patch);
  }

  /** Records a health check without touching `updated_at` (it is no change to the registration). */
  async updateHealth(
    id: string,
    check: { health: string; checkedAt: Date; seen: boolean; version: string | null },
  ): Promise<void> {
    await this.ds.query(
      `UPDATE nodes SET health = $2, last_checked_at = $3,
         last_seen_at = CASE WHEN $4 THEN $3 ELSE last_seen_at END,
         version = CASE WHEN $4 THEN $5 ELSE version END
       WHERE id = $1`,
      [id, check.health, check.checkedAt, check.seen, check.version],
    );
  }

  async delete(id: string, em?: EntityManager): Promise<void> {
    await this.repo(em).delete({ id });
  }

  async insertJoinToken(
    nodeId: string,
    tokenDigest: string,
    expiresAt: Date,
    em?: EntityManager,
  ): Promise<void> {
    await (em ?? this.ds.manager).getRepository(JoinTokenEntity).insert({ nodeId, tokenDigest, expiresAt });
  }

  /**
   * Marks the token used if it is unused and unexpired, in one statement, and returns its node:
   * of two replicas redeeming the same token at once, exactly one gets a row back.
   */
  async redeemJoinToken(tokenDigest: string, now: Date, em?: EntityManager): Promise<string | undefined> {
    const result = await (em ?? this.ds.manager).query(
      `UPDATE join_tokens SET used_at = $2 WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2 RETURNING node_id`,
      [tokenDigest, now],
    );
    return returnedRows<{ node_id: string }>(result)[0]?.node_id;
  }

  pendingJoinTokens(nodeId: string, now: Date): Promise<number> {
    return this.ds
      .query(
        'SELECT count(*)::int AS n FROM join_tokens WHERE node_id = $1 AND used_at IS NULL AND expires_at > $2',
        [nodeId, now],
      )
      .then((rows: { n: number }[]) => rows[0]!.n);
  }
}
