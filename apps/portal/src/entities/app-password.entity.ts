import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A password for one instance (a WebDAV client, a script): ≥ 128 random bits, shown once, kept as a
 * SHA-256 digest, checked only by that node through the node API (docs/contracts.md §3).
 */
@Entity({ name: 'app_passwords' })
export class AppPasswordEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index()
  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  @Column({ type: 'uuid', name: 'node_id' })
  nodeId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  digest!: string;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;
}
