import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** How an account signs in at the portal; `none` accounts exist for grants and sharing only. */
export const AUTH_PROVIDERS = ['local', 'oidc', 'ldap', 'none'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/** A portal account. `id` is the immutable `sub` every instance sees. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'boolean', name: 'email_verified', default: false })
  emailVerified!: boolean;

  @Column({ type: 'text', name: 'account_role' })
  accountRole!: string;

  @Column({ type: 'boolean', name: 'cluster_admin', default: false })
  clusterAdmin!: boolean;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ type: 'boolean', name: 'can_login', default: true })
  canLogin!: boolean;

  @Column({ type: 'text', name: 'auth_provider', default: 'local' })
  authProvider!: AuthProvider;

  /** The OIDC provider's issuer an `oidc` account is linked through; null otherwise. */
  @Column({ type: 'text', name: 'auth_issuer', nullable: true })
  authIssuer!: string | null;

  /** The subject at that provider (`sub`), or the directory entry's entryUUID/objectGUID. */
  @Column({ type: 'text', name: 'auth_id', nullable: true })
  authId!: string | null;

  @Column({ type: 'text', name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  /** The TOTP secret sealed with ATRIUM_SECRET_KEY; null until enrolment is confirmed. */
  @Column({ type: 'text', name: 'totp_secret', nullable: true })
  totpSecret!: string | null;

  @Column({
    type: 'bigint',
    name: 'totp_last_step',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  totpLastStep!: number | null;

  /** SHA-256 digests of the unused recovery codes. */
  @Column({ type: 'text', name: 'recovery_codes', array: true, default: () => "'{}'" })
  recoveryCodes!: string[];

  @Column({ type: 'text', name: 'base_path', nullable: true })
  basePath!: string | null;

  @Column({ type: 'text', name: 'upload_path', nullable: true })
  uploadPath!: string | null;

  @Column({ type: 'boolean', default: false })
  webdav!: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** A group an account belongs to: kept on the portal for local accounts, or copied from the IdP. */
@Entity({ name: 'account_groups' })
export class AccountGroupEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  @Column({ type: 'text', name: 'group_name' })
  groupName!: string;

  /** `portal` for groups an admin keeps; `oidc` or `ldap` for groups refreshed at each sign-in. */
  @Column({ type: 'text', default: 'portal' })
  source!: string;
}
