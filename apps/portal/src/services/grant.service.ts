import { Injectable } from '@nestjs/common';
import { expandFolder, isPolicyError } from '@atrium/policy';
import type { GroupMappingEntity } from '../entities/admission.entity.js';
import { AdmissionRepository, type GrantRow } from '../repositories/admission.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { AccountService } from './account.service.js';
import { PortalError } from '../common/errors.js';
import { NodeService } from './node.service.js';
import { RevocationService } from './revocation.service.js';
import { groupKind, parseGroup, parseInstanceRole, parsePathTemplate, parseUsername } from '../common/validation.js';

export interface GrantInput {
  username: string;
  node: string;
  /** Empty or missing: the account role applies. */
  role?: string | null;
  basePath?: string | null;
  uploadPath?: string | null;
}

export interface MappingInput {
  node: string;
  group: string;
  /** `dn` for an LDAP group (compared as a normalized DN), `name` for an OIDC or portal group; guessed when missing. */
  kind?: 'name' | 'dn';
  role: string;
  basePath?: string | null;
  uploadPath?: string | null;
}

/**
 * Per-user grants and group mappings (`atrium cluster users access`, `cluster nodes allow-group`).
 * Every change runs under revocation tracking, so lowering or removing access ends sessions now.
 */
@Injectable()
export class GrantService {
  constructor(
    private readonly admission: AdmissionRepository,
    private readonly accounts: AccountService,
    private readonly nodes: NodeService,
    private readonly audit: AuditRepository,
    private readonly revocation: RevocationService,
  ) {}

  async grant(input: GrantInput, actor: string): Promise<void> {
    const account = await this.accounts.require(input.username);
    const node = await this.nodes.require(input.node);
    const role = input.role ? parseInstanceRole(input.role) : null;
    const basePath = parsePathTemplate(input.basePath, 'base path');
    const uploadPath = parsePathTemplate(input.uploadPath, 'upload path');
    await this.revocation.trackAdmission({ accountIds: [account.id], nodeIds: [node.id] }, async (em) => {
      await this.admission.upsertGrant(
        { accountId: account.id, nodeId: node.id, role, basePath, uploadPath },
        em,
      );
      await this.audit.admin(
        {
          actor,
          action: 'access.grant',
          target: `${account.username}@${node.name}`,
          details: { role, basePath, uploadPath },
        },
        em,
      );
    });
  }

  async revoke(input: { username: string; node: string }, actor: string): Promise<void> {
    const account = await this.accounts.require(input.username);
    const node = await this.nodes.require(input.node);
    await this.revocation.trackAdmission({ accountIds: [account.id], nodeIds: [node.id] }, async (em) => {
      if (!(await this.admission.deleteGrant(account.id, node.id, em))) {
        throw new PortalError('ERR_GRANT_NOT_FOUND', `${account.username} has no grant on ${node.name}`, 404);
      }
      await this.audit.admin(
        { actor, action: 'access.revoke', target: `${account.username}@${node.name}` },
        em,
      );
    });
  }

  async list(filter: { username?: string; node?: string }): Promise<GrantRow[]> {
    const accountId = filter.username ? (await this.accounts.require(filter.username)).id : undefined;
    const nodeId = filter.node ? (await this.nodes.require(filter.node)).id : undefined;
    return this.admission.listGrants({ accountId, nodeId });
  }

  async allowGroup(input: MappingInput, actor: string): Promise<void> {
    const node = await this.nodes.require(input.node);
    const kind = input.kind ?? groupKind(input.group);
    const group = parseGroup(input.group, kind);
    const role = parseInstanceRole(input.role);
    const basePath = parsePathTemplate(input.basePath, 'base path');
    const uploadPath = parsePathTemplate(input.uploadPath, 'upload path');
    await this.revocation.trackAdmission({ accountIds: 'all', nodeIds: [node.id] }, async (em) => {
      await this.admission.upsertMapping(
        { nodeId: node.id, groupName: group, kind, role, basePath, uploadPath },
        em,
      );
      await this.audit.admin(
        {
          actor,
          action: 'access.allow_group',
          target: `${group}@${node.name}`,
          details: { role, kind, basePath, uploadPath },
        },
        em,
      );
    });
  }

  async denyGroup(input: { node: string; group: string }, actor: string): Promise<void> {
    const node = await this.nodes.require(input.node);
    await this.revocation.trackAdmission({ accountIds: 'all', nodeIds: [node.id] }, async (em) => {
      if (!(await this.admission.deleteMapping(node.id, input.group.trim(), em))) {
        throw new PortalError('ERR_MAPPING_NOT_FOUND', `${node.name} admits no group ${input.group}`, 404);
      }
      await this.audit.admin(
        { actor, action: 'access.deny_group', target: `${input.group.trim()}@${node.name}` },
        em,
      );
    });
  }

  /**
   * What a base or upload path template becomes for one account, as the ID token would carry it
   * (`{username}` expanded); refused with ERR_PATH_INVALID like a grant with it would be.
   */
  previewPath(template: string, username: string): string | null {
    const stored = parsePathTemplate(template, 'path');
    try {
      return expandFolder(stored, parseUsername(username));
    } catch (error) {
      if (isPolicyError(error)) throw new PortalError('ERR_PATH_INVALID', `path: ${error.message}`);
      throw error;
    }
  }

  async mappings(nodeName: string): Promise<GroupMappingEntity[]> {
    const node = await this.nodes.require(nodeName);
    return this.admission.mappingsOfNode(node.id);
  }
}
