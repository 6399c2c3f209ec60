import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A back-channel logout to deliver to one node; kept until the node answers 200. */
@Entity({ name: 'logout_outbox' })
@Index(['deliveredAt', 'nextAttemptAt'])
export class LogoutOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @Column({ type: 'uuid', name: 'node_id' })
  nodeId!: string;

  @Column({ type: 'text', nullable: true })
  sub!: string | null;

  @Column({ type: 'text', nullable: true })
  sid!: string | null;

  /** Why it was sent: revoke, role_lowered, account_disabled, account_deleted, session_ended, … */
  @Column({ type: 'text' })
  reason!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;
}
