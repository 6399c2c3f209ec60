import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken, hashPassword } from '@atrium/auth';
import { evaluateShareLink, type ShareLinkTarget, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import type { CreateShareLinkDto, CreatedShareLinkDto, ShareLinkDto } from '../dtos/share.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { ShareLinkRepository, type ShareLinkRow } from '../repositories/share-link.repository.js';
import { isUuid } from '../repositories/sql.js';
import { Clock } from '../common/clock.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

/** A link's state for the listing: revoked, expired, or working. */
export function linkStatus(link: ShareLinkRow, now: Date): ShareLinkDto['status'] {
  const { status } = evaluateShareLink(link, { now, passwordVerified: true });
  return status === 'valid' ? 'active' : status === 'revoked' ? 'revoked' : 'expired';
}

export function shareLinkDto(link: ShareLinkRow, now: Date): ShareLinkDto {
  return {
    id: link.id,
    kind: link.target.kind,
    targetId: link.target.kind === 'album' ? link.target.albumId : link.target.assetId,
    targetName: link.targetName,
    createdBy: link.createdBy,
    createdByName: link.createdByName,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt?.toISOString() ?? null,
    revokedAt: link.revokedAt?.toISOString() ?? null,
    hasPassword: link.hasPassword,
    allowDownload: link.allowDownload,
    openCount: link.openCount,
    lastOpenedAt: link.lastOpenedAt?.toISOString() ?? null,
    status: linkStatus(link, now),
  };
}

/**
 * Making, listing and revoking share links (docs/architecture.md rule 7). A link names something its maker may
 * see; its token carries 256 random bits and only its digest is stored.
 */
@Injectable()
export class ShareLinkService {
  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly access: AccessRepository,
    private readonly links: ShareLinkRepository,
    private readonly clock: Clock,
  ) {}

  async create(viewer: Viewer, dto: CreateShareLinkDto): Promise<CreatedShareLinkDto> {
    const target = await this.target(viewer, dto);
    const now = this.clock.now();
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && !(expiresAt.getTime() > now.getTime()))
      throw new InstanceError('ERR_LINK_INVALID', 'expiresAt must lie in the future', 400);
    const token = generateSecretToken();
    const id = randomUUID();
    await this.links.create({
      id,
      tokenDigest: digestSecret(token),
      target,
      createdBy: viewer.id!,
      createdAt: now,
      expiresAt,
      passwordHash: dto.password ? await hashPassword(dto.password) : null,
      allowDownload: dto.allowDownload === true,
    });
    const link = (await this.links.findById(id))!;
    return { ...shareLinkDto(link, now), url: `${this.config.publicUrl}/share/${token}` };
  }

  async list(): Promise<ShareLinkDto[]> {
    const now = this.clock.now();
    return (await this.links.list()).map((link) => shareLinkDto(link, now));
  }

  async revoke(id: string): Promise<ShareLinkDto> {
    const now = this.clock.now();
    if (!isUuid(id) || !(await this.links.revoke(id, now))) throw notFoundOrNoAccess('share link');
    return shareLinkDto((await this.links.findById(id))!, now);
  }

  private async target(viewer: Viewer, dto: CreateShareLinkDto): Promise<ShareLinkTarget> {
    if ((dto.albumId === undefined) === (dto.assetId === undefined))
      throw new InstanceError('ERR_LINK_INVALID', 'name either albumId or assetId', 400);
    if (dto.albumId) {
      if (!(await this.access.visibleAlbums(viewer, [dto.albumId])).has(dto.albumId))
        throw notFoundOrNoAccess('album');
      return { kind: 'album', albumId: dto.albumId };
    }
    const assetId = dto.assetId!;
    if (!(await this.access.visibleAssets(viewer, [assetId])).has(assetId)) throw notFoundOrNoAccess('asset');
    return { kind: 'asset', assetId };
  }
}
