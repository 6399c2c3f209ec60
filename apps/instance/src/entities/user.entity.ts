import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person the portal signed in here, as its latest ID token described them. */
@Entity({ name: 'users' })
export class UserEntity {
  /** The portal account's immutable id (`sub`). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text', array: true })
  groups!: string[];

  @Column({ type: 'text', name: 'base_path', nullable: true })
  basePath!: string | null;

  @Column({ type: 'text', name: 'upload_path', nullable: true })
  uploadPath!: string | null;

  @Column({ type: 'boolean' })
  webdav!: boolean;

  @Column({ type: 'timestamptz', name: 'first_seen_at' })
  firstSeenAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt!: Date;
}
