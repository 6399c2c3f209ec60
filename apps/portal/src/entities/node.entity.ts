import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const NODE_ROLES = ['instance', 'service'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** A registered node: an instance (a relying party) or a service that calls the node API. */
@Entity({ name: 'nodes' })
export class NodeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: NodeRole;

  @Column({ type: 'text' })
  url!: string;

  @Index({ unique: true })
  @Column({ type: 'text', name: 'client_id' })
  clientId!: string;

  /** SHA-256 digest of the client secret; null until a join token is redeemed. */
  @Column({ type: 'text', name: 'secret_digest', nullable: true })
  secretDigest!: string | null;

  /** The secret before the last rotation, accepted until `previousSecretExpiresAt`. */
  @Column({ type: 'text', name: 'previous_secret_digest', nullable: true })
  previousSecretDigest!: string | null;

  @Column({ type: 'timestamptz', name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'text', name: 'redirect_uris', array: true, default: () => "'{}'" })
  redirectUris!: string[];

  @Column({ type: 'text', name: 'post_logout_redirect_uris', array: true, default: () => "'{}'" })
  postLogoutRedirectUris!: string[];

  @Column({ type: 'text', name: 'backchannel_logout_uri', nullable: true })
  backchannelLogoutUri!: string | null;

  /** ID token signing algorithm: EdDSA for instances, RS256 for generic relying parties if asked. */
  @Column({ type: 'text' })
  alg!: string;

  /** When the node's `/readyz` last answered (ready or not); null if it never did. */
  @Column({ type: 'timestamptz', name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_checked_at', nullable: true })
  lastCheckedAt!: Date | null;

  /** `ready`, `not_ready` or `unreachable`, as of `lastCheckedAt`. */
  @Column({ type: 'text', nullable: true })
  health!: string | null;

  /** The version the node reported at its last answer. */
  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** A one-time join token for a node, stored as a digest. */
@Entity({ name: 'join_tokens' })
export class JoinTokenEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @Column({ type: 'uuid', name: 'node_id' })
  nodeId!: string;

  @Index({ unique: true })
  @Column({ type: 'text', name: 'token_digest' })
  tokenDigest!: string;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
