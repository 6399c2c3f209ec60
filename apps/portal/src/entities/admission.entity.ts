import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A per-user grant on one node; a null role inherits the account role. */
@Entity({ name: 'access_grants' })
@Index(['accountId', 'nodeId'], { unique: true })
export class GrantEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'account_id' })
  accountId!: string;

  @Index()
  @Column({ type: 'uuid', name: 'node_id' })
  nodeId!: string;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ type: 'text', name: 'base_path', nullable: true })
  basePath!: string | null;

  @Column({ type: 'text', name: 'upload_path', nullable: true })
  uploadPath!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}

/** A group a node admits, with the role and paths its members receive. */
@Entity({ name: 'group_mappings' })
@Index(['nodeId', 'groupName'], { unique: true })
export class GroupMappingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', name: 'node_id' })
  nodeId!: string;

  @Column({ type: 'text', name: 'group_name' })
  groupName!: string;

  /** `dn` for LDAP groups (compared as normalized DNs), `name` otherwise. */
  @Column({ type: 'text' })
  kind!: 'name' | 'dn';

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text', name: 'base_path', nullable: true })
  basePath!: string | null;

  @Column({ type: 'text', name: 'upload_path', nullable: true })
  uploadPath!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
