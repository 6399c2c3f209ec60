import { Injectable } from '@nestjs/common';
import type { Viewer } from '@atrium/policy';
import type { TrashPageDto, TrashQueryDto } from '../dtos/trash.dto.js';
import { TrashRepository } from '../repositories/trash.repository.js';
import { decodeCursor, encodeCursor, versionOf } from './asset.service.js';

/** The trash screen's pages: keyset pages over what the viewer may delete for good. */
@Injectable()
export class TrashBrowseService {
  constructor(private readonly trash: TrashRepository) {}

  async page(viewer: Viewer, query: TrashQueryDto): Promise<TrashPageDto> {
    const limit = query.limit ?? 100;
    const rows = await this.trash.page(viewer, query.cursor ? decodeCursor(query.cursor) : null, limit);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        fileName: r.fileName,
        path: r.path,
        type: r.mediaType,
        width: r.width,
        height: r.height,
        placeholder: r.placeholder,
        thumbnailReady: r.hasThumbnail,
        version: versionOf(r.contentHash, r.derivativesRev),
        deletedAt: r.deletedAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ sortUs: last.deletedUs, id: last.id }) : null,
    };
  }
}
