import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** What a mailed link does: accept an invitation, finish a self-registration, or reset a password. */
export const EMAIL_LINK_KINDS = ['invite', 'register', 'reset'] as const;
export type EmailLinkKind = (typeof EMAIL_LINK_KINDS)[number];

/** What an invitation settles in advance for the account it creates. */
export interface InvitationFields {
  name?: string;
  role?: string;
  clusterAdmin?: boolean;
  groups?: string[];
}

/** A single-use, expiring link sent by mail; only the SHA-256 digest of its token is kept. */
@Entity({ name: 'email_links' })
export class EmailLinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: EmailLinkKind;

  @Column({ type: 'text' })
  digest!: string;

  @Column({ type: 'text' })
  email!: string;

  /** The account a reset link is for; null for invitations and registrations (no account yet). */
  @Column({ type: 'uuid', name: 'account_id', nullable: true })
  accountId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  fields!: InvitationFields;

  /** `cli:<user>`, an admin's username, `self` for registrations and resets. */
  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;
}

/** A mail waiting to be sent; its content is sealed with ATRIUM_SECRET_KEY (it holds a link). */
@Entity({ name: 'mail_outbox' })
export class MailOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  recipient!: string;

  @Column({ type: 'text' })
  sealed!: string;

  /** invite, register, reset, … (for logs; the content stays sealed). */
  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;
}
