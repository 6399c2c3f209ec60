import { Injectable } from '@nestjs/common';
import type { Viewer } from '@atrium/policy';
import type { AlbumDto } from '../dtos/album.dto.js';
import { AlbumRepository, type AlbumRow } from '../repositories/album.repository.js';
import { isUuid } from '../repositories/sql.js';
import { notFoundOrNoAccess } from '../common/errors.js';

const toDto = (album: AlbumRow): AlbumDto => ({ ...album, createdAt: album.createdAt.toISOString() });

/** Albums as the viewer may see them (editing them comes with sharing). */
@Injectable()
export class AlbumService {
  constructor(private readonly albums: AlbumRepository) {}

  async list(viewer: Viewer): Promise<AlbumDto[]> {
    return (await this.albums.list(viewer)).map(toDto);
  }

  async show(viewer: Viewer, id: string): Promise<AlbumDto> {
    const [album] = isUuid(id) ? await this.albums.list(viewer, [id]) : [];
    if (!album) throw notFoundOrNoAccess('album');
    return toDto(album);
  }
}
