import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { EmailLinkEntity, type EmailLinkKind } from '../entities/email.entity.js';
import { returnedRows } from './sql.js';

const COLUMNS = 'id, kind, digest, email, account_id, fields, created_by, created_at, expires_at, used_at';

function toEntity(row: Record<string, never>): EmailLinkEntity {
  return Object.assign(new EmailLinkEntity(), {
    id: row.id,
    kind: row.kind,
    digest: row.digest,
    email: row.email,
    accountId: row.account_id,
    fields: row.fields,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  });
}

/** Invitation, registration and reset links, by the digest of their token. */
@Injectable()
export class EmailLinkRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(EmailLinkEntity);
  }

  async insert(link: EmailLinkEntity, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(link);
  }

  /** The link with this digest, live or not (to tell an admin why it was refused). */
  findByDigest(digest: string): Promise<EmailLinkEntity | null> {
    return this.repo().findOneBy({ digest });
  }

  /** The unused, unexpired link of one of `kinds` with this digest. */
  findLive(digest: string, kinds: EmailLinkKind[], now: Date): Promise<EmailLinkEntity | null> {
    return this.repo()
      .findOneBy({ digest, usedAt: IsNull(), expiresAt: MoreThan(now) })
      .then((link) => (link && kinds.includes(link.kind) ? link : null));
  }

  /** Marks the link used if it still is live: of two redemptions racing, one wins. */
  async take(
    digest: string,
    kinds: EmailLinkKind[],
    now: Date,
    em: EntityManager,
  ): Promise<EmailLinkEntity | undefined> {
    const result = await em.query(
      `UPDATE email_links SET used_at = $2 WHERE digest = $1 AND used_at IS NULL AND expires_at > $2 AND kind = ANY($3)
       RETURNING ${COLUMNS}`,
      [digest, now, kinds],
    );
    const [row] = returnedRows<Record<string, never>>(result);
    return row ? toEntity(row) : undefined;
  }

  /** Unused links of a kind for an address (an invitation sent again replaces the earlier one). */
  async discardForEmail(kind: EmailLinkKind, email: string, em: EntityManager): Promise<void> {
    await em.query(
      'DELETE FROM email_links WHERE kind = $1 AND lower(email) = lower($2) AND used_at IS NULL',
      [kind, email],
    );
  }

  /** Unused reset links of an account: only the newest one works. */
  async discardResets(accountId: string, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM email_links WHERE kind = 'reset' AND account_id = $1 AND used_at IS NULL`, [
      accountId,
    ]);
  }

  /** Invitations not used yet and not expired, newest first. */
  pendingInvitations(now: Date): Promise<EmailLinkEntity[]> {
    return this.repo().find({
      where: { kind: 'invite', usedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }

  async deleteInvitation(id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ id, kind: 'invite', usedAt: IsNull() });
    return (result.affected ?? 0) > 0;
  }

  async deleteExpired(cutoff: Date): Promise<void> {
    await this.ds.query('DELETE FROM email_links WHERE expires_at < $1', [cutoff]);
  }
}
