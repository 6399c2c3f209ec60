import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MailOutboxEntity } from '../entities/email.entity.js';
import { returnedRows } from './sql.js';

/** Mail waiting to go out, written in the transaction that made the link it carries. */
@Injectable()
export class MailOutboxRepository {
  constructor(private readonly ds: DataSource) {}

  async enqueue(
    mail: { recipient: string; sealed: string; purpose: string },
    now: Date,
    em?: EntityManager,
  ): Promise<void> {
    await (em ?? this.ds.manager).getRepository(MailOutboxEntity).insert({ ...mail, nextAttemptAt: now });
  }

  /** Claims due mail (SKIP LOCKED, with a lease) so several portal replicas share the work. */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<MailOutboxEntity[]> {
    const result = await this.ds.query(
      `UPDATE mail_outbox SET next_attempt_at = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM mail_outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, recipient, sealed, purpose, attempts, created_at`,
      [now, leaseUntil, limit],
    );
    return returnedRows<Record<string, never>>(result).map((r) =>
      Object.assign(new MailOutboxEntity(), {
        id: r.id,
        recipient: r.recipient,
        sealed: r.sealed,
        purpose: r.purpose,
        attempts: r.attempts,
        createdAt: r.created_at,
      }),
    );
  }

  /** Sent mail is deleted: what it carried (a link) should not outlive its delivery. */
  async delete(id: string): Promise<void> {
    await this.ds.query('DELETE FROM mail_outbox WHERE id = $1', [id]);
  }

  async markFailed(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.ds.query('UPDATE mail_outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1', [
      id,
      nextAttemptAt,
      error.slice(0, 500),
    ]);
  }

  async deleteOlderThan(cutoff: Date): Promise<void> {
    await this.ds.query('DELETE FROM mail_outbox WHERE created_at < $1', [cutoff]);
  }

  list(): Promise<MailOutboxEntity[]> {
    return this.ds.getRepository(MailOutboxEntity).find({ order: { id: 'ASC' } });
  }
}
