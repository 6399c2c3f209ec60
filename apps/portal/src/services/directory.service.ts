import { Injectable } from '@nestjs/common';
import type { NodeEntity } from '../entities/node.entity.js';
import { AdmissionRepository } from '../repositories/admission.repository.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { AdmissionService } from './admission.service.js';

export interface Directory {
  users: { sub: string; username: string; name: string }[];
  groups: { name: string }[];
}

export const DIRECTORY_MAX = 100;

/** `GET /api/cluster/directory`: the people and groups with access to one node, for sharing. */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly admission: AdmissionRepository,
    private readonly resolver: AdmissionService,
  ) {}

  async forNode(node: NodeEntity, query: string, limit: number): Promise<Directory> {
    const q = query.trim().toLowerCase();
    const candidates = (await this.accounts.search(q || undefined)).filter((a) => !a.disabled);
    const pairs = await this.resolver.decideMany(
      candidates.map((a) => a.id),
      [node.id],
    );
    const allowed = new Set(pairs.filter((p) => p.decision.allowed).map((p) => p.accountId));
    const users = candidates
      .filter((a) => allowed.has(a.id))
      .slice(0, limit)
      .map((a) => ({ sub: a.id, username: a.username, name: a.name }));
    const groups = (await this.admission.mappingsOfNode(node.id))
      .filter((m) => !q || m.groupName.toLowerCase().includes(q))
      .slice(0, limit)
      .map((m) => ({ name: m.groupName }));
    return { users, groups };
  }
}
