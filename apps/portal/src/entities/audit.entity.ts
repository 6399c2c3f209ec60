import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { LoginMethod, LoginReason, LoginResult } from '../common/login-reasons.js';

/** One admin action: who did what to which target, and when. */
@Entity({ name: 'admin_audit' })
export class AdminAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** `cli:<os user>` for the command line, the admin's username for the portal. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  target!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}

/**
 * One sign-in attempt at the portal (local, TOTP, OIDC, LDAP) or with an app password at a node:
 * how, through which provider, the result and a stable reason code (common/login-reasons.ts).
 */
@Entity({ name: 'login_audit' })
export class LoginAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index()
  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** password, totp, recovery_code, oidc, ldap, app_password, setup, … */
  @Column({ type: 'text' })
  method!: LoginMethod;

  /** The OIDC provider's id, `ldap`, or the node an app password was presented at; null for local. */
  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ type: 'text' })
  result!: LoginResult;

  /** Why: always set for failures, set for a success only when it says something (no groups sent). */
  @Column({ type: 'text', nullable: true })
  reason!: LoginReason | null;

  /** As typed, or as the provider named the person; empty when nobody could be named. */
  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'uuid', name: 'account_id', nullable: true })
  accountId!: string | null;

  /** The client address (through TRUSTED_PROXIES only). */
  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', name: 'user_agent', nullable: true })
  userAgent!: string | null;
}

/** Failure counters behind progressive delays (per account, per address, per join client). */
@Entity({ name: 'throttles' })
export class ThrottleEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ type: 'timestamptz', name: 'blocked_until', nullable: true })
  blockedUntil!: Date | null;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
