import { Injectable } from '@nestjs/common';
import { PolicyError, normalizeRelativePath, type Viewer } from '@atrium/policy';
import type { FolderDto, TagDto } from '../dtos/album.dto.js';
import { BrowseRepository } from '../repositories/browse.repository.js';
import { InstanceError } from '../common/errors.js';

/** Folders and tags where the viewer sees something. */
@Injectable()
export class BrowseService {
  constructor(private readonly browse: BrowseRepository) {}

  async folders(viewer: Viewer, parent: string): Promise<FolderDto[]> {
    let normalized: string;
    try {
      normalized = normalizeRelativePath(parent);
    } catch (error) {
      if (error instanceof PolicyError)
        throw new InstanceError('ERR_FILTER_INVALID', `parent: ${error.message}`, 400);
      throw error;
    }
    const folders = await this.browse.folders(viewer, normalized);
    return folders.map(({ path, count }) => ({ path, name: path.slice(path.lastIndexOf('/') + 1), count }));
  }

  tags(viewer: Viewer): Promise<TagDto[]> {
    return this.browse.tags(viewer);
  }
}
