import { Injectable } from '@nestjs/common';
import type { AccessPolicy, Viewer } from '@atrium/policy';
import type { AlbumDto } from '../dtos/album.dto.js';
import type { CreateAlbumDto, UpdateAlbumDto } from '../dtos/album-edit.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { AlbumEditRepository } from '../repositories/album-edit.repository.js';
import { isUuid } from '../repositories/sql.js';
import { AlbumService } from './album.service.js';
import { Clock } from '../common/clock.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';

/**
 * Making and changing albums and the policies of albums and photos. Each call starts with the
 * access repository; an album or asset the viewer may not change answers like a missing one.
 */
@Injectable()
export class AlbumEditService {
  constructor(
    private readonly access: AccessRepository,
    private readonly albums: AlbumEditRepository,
    private readonly show: AlbumService,
    private readonly clock: Clock,
  ) {}

  async create(viewer: Viewer, dto: CreateAlbumDto): Promise<AlbumDto> {
    const title = dto.title.trim();
    if (!title) throw new InstanceError('ERR_ALBUM_INVALID', 'an album needs a title', 400);
    const id = await this.albums.create(title, dto.description ?? null, viewer.id!, this.clock.now());
    return this.show.show(viewer, id);
  }

  async update(viewer: Viewer, id: string, dto: UpdateAlbumDto): Promise<AlbumDto> {
    await this.editable(viewer, id, 'album.edit');
    const title = dto.title?.trim();
    if (dto.title !== undefined && !title)
      throw new InstanceError('ERR_ALBUM_INVALID', 'an album needs a title', 400);
    if (dto.coverId && !(await this.albums.holds(id, dto.coverId)))
      throw new InstanceError('ERR_ALBUM_INVALID', 'the cover must be a photo or video of the album', 400);
    await this.albums.update(
      id,
      {
        ...(title !== undefined ? { title } : {}),
        ...(dto.description !== undefined ? { description: dto.description } : {}),
        ...(dto.coverId !== undefined ? { coverId: dto.coverId } : {}),
        ...(dto.order !== undefined ? { order: dto.order } : {}),
      },
      this.clock.now(),
    );
    return this.show.show(viewer, id);
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    await this.editable(viewer, id, 'album.delete');
    await this.albums.remove(id);
  }

  async addAssets(viewer: Viewer, id: string, ids: string[]): Promise<number> {
    await this.editable(viewer, id, 'album.edit');
    const wanted = [...new Set(ids)];
    if ((await this.access.visibleAssets(viewer, wanted)).size !== wanted.length)
      throw notFoundOrNoAccess('asset');
    return this.albums.addAssets(id, wanted, this.clock.now());
  }

  async removeAssets(viewer: Viewer, id: string, ids: string[]): Promise<number> {
    await this.editable(viewer, id, 'album.edit');
    return this.albums.removeAssets(id, [...new Set(ids)]);
  }

  async albumPolicy(viewer: Viewer, id: string): Promise<AccessPolicy | null> {
    await this.editable(viewer, id, 'album.edit');
    return this.albums.albumPolicy(id);
  }

  async setAlbumPolicy(
    viewer: Viewer,
    id: string,
    policy: AccessPolicy | null,
  ): Promise<AccessPolicy | null> {
    await this.editable(viewer, id, 'album.edit');
    await this.albums.setAlbumPolicy(id, policy);
    return this.albums.albumPolicy(id);
  }

  async assetPolicy(viewer: Viewer, id: string): Promise<AccessPolicy | null> {
    if (!isUuid(id) || !(await this.access.editableAssets(viewer, [id])).has(id))
      throw notFoundOrNoAccess('asset');
    return this.albums.assetPolicy(id);
  }

  async setAssetPolicy(viewer: Viewer, ids: string[], policy: AccessPolicy | null): Promise<number> {
    const wanted = [...new Set(ids)];
    if ((await this.access.editableAssets(viewer, wanted)).size !== wanted.length)
      throw notFoundOrNoAccess('asset');
    await this.albums.setAssetPolicy(wanted, policy);
    return wanted.length;
  }

  private async editable(
    viewer: Viewer,
    id: string,
    permission: 'album.edit' | 'album.delete',
  ): Promise<void> {
    if (!isUuid(id) || !(await this.access.albumsFor(viewer, permission, [id])).has(id))
      throw notFoundOrNoAccess('album');
  }
}
