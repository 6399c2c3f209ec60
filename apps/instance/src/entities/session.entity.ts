import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InstanceRole } from '@atrium/policy';

/**
 * One browser's session on this instance. The id is the digest of the cookie's secret, so the
 * table alone never yields a working cookie. Access facts are the ID token's, fixed per sign-in.
 */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'user_id' })
  userId!: string;

  /** The portal session (`sid`) a back-channel logout names. */
  @Column({ type: 'text', name: 'portal_sid', nullable: true })
  portalSid!: string | null;

  @Column({ type: 'text' })
  role!: InstanceRole;

  @Column({ type: 'text', array: true })
  groups!: string[];

  @Column({ type: 'text', name: 'base_path', nullable: true })
  basePath!: string | null;

  @Column({ type: 'text', name: 'upload_path', nullable: true })
  uploadPath!: string | null;

  @Column({ type: 'boolean' })
  webdav!: boolean;

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken!: string;

  /** Kept as the `id_token_hint` of RP-initiated logout; never accepted as a credential. */
  @Column({ type: 'text', name: 'id_token' })
  idToken!: string;

  @Column({ type: 'timestamptz', name: 'auth_time', nullable: true })
  authTime!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;
}
