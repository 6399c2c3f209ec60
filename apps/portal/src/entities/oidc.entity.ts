import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** oidc-provider's storage: one row per model instance (sessions, codes, grants, tokens, interactions). */
@Entity({ name: 'oidc_payloads' })
@Index(['model', 'grantId'])
@Index(['model', 'uid'])
export class OidcPayloadEntity {
  @PrimaryColumn({ type: 'text' })
  model!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'text', name: 'grant_id', nullable: true })
  grantId!: string | null;

  @Column({ type: 'text', nullable: true })
  uid!: string | null;

  @Column({ type: 'text', name: 'account_id', nullable: true })
  accountId!: string | null;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'consumed_at', nullable: true })
  consumedAt!: Date | null;
}

/** An issuer signing key; the private JWK is sealed with ATRIUM_SECRET_KEY. */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ type: 'text' })
  alg!: string;

  @Column({ type: 'text', name: 'private_jwk' })
  privateJwk!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** When it starts signing; published in the JWKS from creation. */
  @Column({ type: 'timestamptz', name: 'activates_at' })
  activatesAt!: Date;

  /** When a newer key took over signing. */
  @Column({ type: 'timestamptz', name: 'retires_at', nullable: true })
  retiresAt!: Date | null;

  /** When it leaves the JWKS: after the longest token life plus clock skew. */
  @Column({ type: 'timestamptz', name: 'removes_at', nullable: true })
  removesAt!: Date | null;

  /** Set by an emergency revoke: gone from the JWKS at once. */
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
