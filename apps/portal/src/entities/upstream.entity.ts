import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An OIDC sign-in started at an organization's provider and not yet answered. */
@Entity({ name: 'upstream_oidc_states' })
export class UpstreamOidcStateEntity {
  /** SHA-256 digest of the `state` parameter. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'provider_id' })
  providerId!: string;

  @Column({ type: 'text' })
  nonce!: string;

  @Column({ type: 'text', name: 'code_verifier' })
  codeVerifier!: string;

  /** Digest of the browser's binding cookie: the answer must come back to the browser that asked. */
  @Column({ type: 'text' })
  binding!: string;

  /** The issuer interaction to resume afterwards (an instance's sign-in), if any. */
  @Column({ type: 'text', nullable: true })
  interaction!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;
}
