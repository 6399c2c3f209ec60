import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a portal session stands: `password` is half signed in (TOTP pending), `full` reaches everything. */
export const SESSION_STAGES = ['password', 'enrol_totp', 'full'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/** A server-side portal session; the browser holds only a random token whose digest is `id`. */
@Entity({ name: 'portal_sessions' })
export class PortalSessionEntity {
  /** SHA-256 digest of the cookie value, so a read of this table yields no usable cookie. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** A short public handle for `atrium auth ls/rm`, never the cookie value. */
  @Index({ unique: true })
  @Column({ type: 'text' })
  ref!: string;

  @Index()
  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  @Column({ type: 'text' })
  stage!: SessionStage;

  /** RFC 8176 methods used so far: pwd, otp, mfa, fed. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  amr!: string[];

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken!: string;

  /** A TOTP secret being enrolled, sealed, until the first code confirms it. */
  @Column({ type: 'text', name: 'pending_totp', nullable: true })
  pendingTotp!: string | null;

  @Column({ type: 'timestamptz', name: 'auth_time' })
  authTime!: Date;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', name: 'user_agent', nullable: true })
  userAgent!: string | null;
}

/** Which issuer (oidc-provider) session belongs to which portal session, for back-channel logout. */
@Entity({ name: 'op_session_links' })
export class OpSessionLinkEntity {
  @PrimaryColumn({ type: 'text', name: 'op_session_uid' })
  opSessionUid!: string;

  @Index()
  @Column({ type: 'text', name: 'portal_session_id' })
  portalSessionId!: string;

  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;
}
