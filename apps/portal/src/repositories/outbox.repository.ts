import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LogoutOutboxEntity } from '../entities/outbox.entity.js';
import { returnedRows } from './sql.js';

export interface LogoutRequest {
  nodeId: string;
  sub?: string | null;
  sid?: string | null;
  reason: string;
}

/** The durable logout outbox: written in the same transaction as the change that caused it. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly ds: DataSource) {}

  async enqueue(items: LogoutRequest[], now: Date, em?: EntityManager): Promise<void> {
    if (!items.length) return;
    await (em ?? this.ds.manager)
      .getRepository(LogoutOutboxEntity)
      .insert(
        items.map((i) => ({
          nodeId: i.nodeId,
          sub: i.sub ?? null,
          sid: i.sid ?? null,
          reason: i.reason,
          nextAttemptAt: now,
        })),
      );
  }

  /**
   * Claims due deliveries by pushing their next attempt past the delivery timeout, so another
   * replica polling at the same moment skips them (SKIP LOCKED) and a crashed one retries later.
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<LogoutOutboxEntity[]> {
    const result = await this.ds.query(
      `UPDATE logout_outbox SET next_attempt_at = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM logout_outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, node_id, sub, sid, reason, attempts, created_at`,
      [now, leaseUntil, limit],
    );
    return returnedRows<Record<string, never>>(result).map((r) =>
      Object.assign(new LogoutOutboxEntity(), {
        id: r.id,
        nodeId: r.node_id,
        sub: r.sub,
        sid: r.sid,
        reason: r.reason,
        attempts: r.attempts,
        createdAt: r.created_at,
      }),
    );
  }

  async markDelivered(id: string, now: Date): Promise<void> {
    await this.ds.query('UPDATE logout_outbox SET delivered_at = $2, last_error = NULL WHERE id = $1', [
      id,
      now,
    ]);
  }

  async markFailed(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.ds.query('UPDATE logout_outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1', [
      id,
      nextAttemptAt,
      error.slice(0, 500),
    ]);
  }

  list(): Promise<LogoutOutboxEntity[]> {
    return this.ds.getRepository(LogoutOutboxEntity).find({ order: { id: 'ASC' } });
  }

  async deleteDeliveredBefore(cutoff: Date): Promise<void> {
    await this.ds.query('DELETE FROM logout_outbox WHERE delivered_at < $1', [cutoff]);
  }
}
