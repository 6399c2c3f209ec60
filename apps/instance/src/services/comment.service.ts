import { Injectable } from '@nestjs/common';
import { canDeleteComment, type Viewer } from '@atrium/policy';
import type { CommentDto } from '../dtos/comment.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { CommentRepository, type CommentRow } from '../repositories/comment.repository.js';
import { isUuid } from '../repositories/sql.js';
import { Clock } from '../common/clock.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';

type Target = { albumId?: string; assetId?: string };

/**
 * Comments on albums and assets (docs/architecture.md rule 5's table): whoever sees the album or asset reads
 * them; admin, manager, user and contributor write on what they see (not through a link); authors
 * edit and delete their own, admin and manager delete any.
 */
@Injectable()
export class CommentService {
  constructor(
    private readonly access: AccessRepository,
    private readonly comments: CommentRepository,
    private readonly clock: Clock,
  ) {}

  async list(viewer: Viewer, target: Target): Promise<CommentDto[]> {
    const { albumId, assetId } = this.one(target);
    const visible = albumId
      ? (await this.access.visibleAlbums(viewer, [albumId])).has(albumId)
      : (await this.access.visibleAssets(viewer, [assetId!])).has(assetId!);
    if (!visible) throw notFoundOrNoAccess(albumId ? 'album' : 'asset');
    return (await this.comments.list({ albumId, assetId })).map((c) => this.dto(viewer, c));
  }

  async create(viewer: Viewer, target: Target, body: string): Promise<CommentDto> {
    const { albumId, assetId } = this.one(target);
    const allowed = albumId
      ? (await this.access.commentableAlbums(viewer, [albumId])).has(albumId)
      : (await this.access.commentableAssets(viewer, [assetId!])).has(assetId!);
    if (!allowed) throw notFoundOrNoAccess(albumId ? 'album' : 'asset');
    const id = await this.comments.create(
      { albumId, assetId },
      viewer.id!,
      this.text(body),
      this.clock.now(),
    );
    return this.dto(viewer, (await this.comments.find(id))!);
  }

  async edit(viewer: Viewer, id: string, body: string): Promise<CommentDto> {
    const comment = await this.visible(viewer, id);
    if (comment.authorId !== viewer.id)
      throw new InstanceError('ERR_FORBIDDEN', 'only its author edits a comment', 403);
    await this.comments.edit(id, this.text(body), this.clock.now());
    return this.dto(viewer, (await this.comments.find(id))!);
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    const comment = await this.visible(viewer, id);
    if (!canDeleteComment(viewer, comment.authorId))
      throw new InstanceError('ERR_FORBIDDEN', 'only its author or a manager deletes a comment', 403);
    await this.comments.remove(id);
  }

  /** The comment when the viewer sees what it is on; the same 404 otherwise. */
  private async visible(viewer: Viewer, id: string): Promise<CommentRow> {
    const comment = isUuid(id) ? await this.comments.find(id) : undefined;
    const seen =
      comment &&
      (comment.albumId
        ? (await this.access.visibleAlbums(viewer, [comment.albumId])).has(comment.albumId)
        : (await this.access.visibleAssets(viewer, [comment.assetId!])).has(comment.assetId!));
    if (!comment || !seen) throw notFoundOrNoAccess('comment');
    return comment;
  }

  private one(target: Target): Target {
    if (Boolean(target.albumId) === Boolean(target.assetId))
      throw new InstanceError('ERR_COMMENT_INVALID', 'name either an album or an asset', 400);
    return target;
  }

  private text(body: string): string {
    const trimmed = body.trim();
    if (!trimmed) throw new InstanceError('ERR_COMMENT_INVALID', 'a comment needs some text', 400);
    return trimmed;
  }

  private dto(viewer: Viewer, c: CommentRow): CommentDto {
    return {
      id: c.id,
      albumId: c.albumId,
      assetId: c.assetId,
      authorId: c.authorId,
      authorName: c.authorName,
      body: c.body,
      createdAt: c.createdAt.toISOString(),
      editedAt: c.editedAt?.toISOString() ?? null,
      mine: c.authorId === viewer.id,
      canDelete: canDeleteComment(viewer, c.authorId),
    };
  }
}
