import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { GrantEntity, GroupMappingEntity } from '../entities/admission.entity.js';
import { PreparedQueries } from './prepared.js';

/** Everything one admission decision needs, read in one round trip (the issuer's hot path). */
export interface AdmissionSnapshot {
  account: {
    id: string;
    username: string;
    name: string;
    email: string | null;
    emailVerified: boolean;
    accountRole: string;
    clusterAdmin: boolean;
    disabled: boolean;
    webdav: boolean;
    basePath: string | null;
    uploadPath: string | null;
  } | null;
  groups: string[];
  grant: Pick<GrantEntity, 'accountId' | 'nodeId' | 'role' | 'basePath' | 'uploadPath'> | null;
  mappings: Pick<GroupMappingEntity, 'nodeId' | 'groupName' | 'kind' | 'role' | 'basePath' | 'uploadPath'>[];
}

/**
 * The select list of an admission snapshot (columns `account`, `groups`, `grant`, `mappings`) for the
 * account and node that two SQL expressions of type uuid name; statements that read more than the
 * snapshot in the same round trip embed it.
 */
export function snapshotColumns(account: string, node: string): string {
  return `(SELECT json_build_object('id', id, 'username', username, 'name', name, 'email', email, 'emailVerified', email_verified,
       'accountRole', account_role, 'clusterAdmin', cluster_admin, 'disabled', disabled, 'webdav', webdav,
       'basePath', base_path, 'uploadPath', upload_path) FROM accounts WHERE id = ${account}) AS account,
     (SELECT coalesce(json_agg(DISTINCT group_name ORDER BY group_name), '[]') FROM account_groups WHERE account_id = ${account}) AS groups,
     (SELECT json_build_object('accountId', account_id, 'nodeId', node_id, 'role', role, 'basePath', base_path, 'uploadPath', upload_path)
       FROM access_grants WHERE account_id = ${account} AND node_id = ${node}) AS grant,
     (SELECT coalesce(json_agg(json_build_object('nodeId', node_id, 'groupName', group_name, 'kind', kind, 'role', role,
       'basePath', base_path, 'uploadPath', upload_path)), '[]') FROM group_mappings WHERE node_id = ${node}) AS mappings`;
}

export interface GrantRow {
  username: string;
  accountId: string;
  node: string;
  nodeId: string;
  role: string | null;
  basePath: string | null;
  uploadPath: string | null;
  createdAt: Date;
}

/** Admission data: per-user grants and group mappings (tables access_grants, group_mappings). */
@Injectable()
export class AdmissionRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  private grants(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(GrantEntity);
  }

  private mappings(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(GroupMappingEntity);
  }

  async snapshot(accountId: string, nodeId: string): Promise<AdmissionSnapshot> {
    const [row] = await this.prepared.rows<AdmissionSnapshot>(
      'admission_snapshot',
      `SELECT ${snapshotColumns('$1::uuid', '$2::uuid')}`,
      [accountId, nodeId],
    );
    return row!;
  }

  findGrant(accountId: string, nodeId: string, em?: EntityManager): Promise<GrantEntity | null> {
    return this.grants(em).findOneBy({ accountId, nodeId });
  }

  /** Grants of any of the accounts on any of the nodes. */
  grantsFor(accountIds: string[], nodeIds: string[], em?: EntityManager): Promise<GrantEntity[]> {
    if (!accountIds.length || !nodeIds.length) return Promise.resolve([]);
    return this.grants(em).findBy({ accountId: In(accountIds), nodeId: In(nodeIds) });
  }

  mappingsFor(nodeIds: string[], em?: EntityManager): Promise<GroupMappingEntity[]> {
    if (!nodeIds.length) return Promise.resolve([]);
    return this.mappings(em).findBy({ nodeId: In(nodeIds) });
  }

  async upsertGrant(
    grant: Pick<GrantEntity, 'accountId' | 'nodeId' | 'role' | 'basePath' | 'uploadPath'>,
    em?: EntityManager,
  ): Promise<void> {
    await this.grants(em).upsert(grant, ['accountId', 'nodeId']);
  }

  async deleteGrant(accountId: string, nodeId: string, em?: EntityManager): Promise<boolean> {
    const result = await this.grants(em).delete({ accountId, nodeId });
    return (result.affected ?? 0) > 0;
  }

  listGrants(filter: { accountId?: string; nodeId?: string }): Promise<GrantRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.accountId) where.push(`g.account_id = $${params.push(filter.accountId)}`);
    if (filter.nodeId) where.push(`g.node_id = $${params.push(filter.nodeId)}`);
    return this.ds
      .query(
        `SELECT a.username, g.account_id, n.name AS node, g.node_id, g.role, g.base_path, g.upload_path, g.created_at
         FROM access_grants g JOIN accounts a ON a.id = g.account_id JOIN nodes n ON n.id = g.node_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY n.name, a.username`,
        params,
      )
      .then((rows: Record<string, never>[]) =>
        rows.map((r) => ({
          username: r.username,
          accountId: r.account_id,
          node: r.node,
          nodeId: r.node_id,
          role: r.role,
          basePath: r.base_path,
          uploadPath: r.upload_path,
          createdAt: r.created_at,
        })),
      );
  }

  mappingsOfNode(nodeId: string, em?: EntityManager): Promise<GroupMappingEntity[]> {
    return this.mappings(em).find({ where: { nodeId }, order: { groupName: 'ASC' } });
  }

  async upsertMapping(
    mapping: Pick<GroupMappingEntity, 'nodeId' | 'groupName' | 'kind' | 'role' | 'basePath' | 'uploadPath'>,
    em?: EntityManager,
  ): Promise<void> {
    await this.mappings(em).upsert(mapping, ['nodeId', 'groupName']);
  }

  async deleteMapping(nodeId: string, groupName: string, em?: EntityManager): Promise<boolean> {
    const result = await this.mappings(em).delete({ nodeId, groupName });
    return (result.affected ?? 0) > 0;
  }
}
