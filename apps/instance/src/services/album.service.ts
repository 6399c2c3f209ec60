import { Injectable } from '@nestjs/common';
import type { Viewer } from '@atrium/policy';
import type { AlbumDto } from '../dtos/album.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { AlbumRepository, type AlbumRow } from '../repositories/album.repository.js';
import { notFoundOrNoAccess } from '../common/errors.js';

const toDto = (album: AlbumRow): AlbumDto => ({ ...album, createdAt: album.createdAt.toISOString() });

/** Albums as the viewer may see them (editing them comes with sharing). */
@Injectable()
export class AlbumService {
  constructor(
    private readonly access: AccessRepository,
    private readonly albums: AlbumRepository,
  ) {}

  async list(viewer: Viewer): Promise<AlbumDto[]> {
    return (await this.albums.list(viewer)).map(toDto);
  }

  async show(viewer: Viewer, id: string): Promise<AlbumDto> {
    // The access layer decides; the album's counts are then read over what the viewer may see.
    if (!(await this.access.visibleAlbums(viewer, [id])).has(id)) throw notFoundOrNoAccess('album');
    const [album] = await this.albums.list(viewer, [id]);
    if (!album) throw notFoundOrNoAccess('album');
    return toDto(album);
  }
}
