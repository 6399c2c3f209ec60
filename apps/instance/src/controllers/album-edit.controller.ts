import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { AlbumDto } from '../dtos/album.dto.js';
import { CreateAlbumDto, UpdateAlbumDto } from '../dtos/album-edit.dto.js';
import { AssetIdsDto, CountDto } from '../dtos/edit.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { AlbumEditService } from '../services/album-edit.service.js';

/** Creating, renaming, filling, emptying and deleting albums; their cover and order. */
@ApiTags('albums')
@Controller('api/albums')
export class AlbumEditController {
  constructor(private readonly albums: AlbumEditService) {}

  @Post()
  @Authenticated('album.create')
  @ApiOkResponse({ type: AlbumDto })
  create(@CurrentViewer() viewer: Viewer, @Body() body: CreateAlbumDto): Promise<AlbumDto> {
    return this.albums.create(viewer, body);
  }

  @Patch(':id')
  @Authenticated('album.edit')
  @ApiOkResponse({ type: AlbumDto })
  update(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Body() body: UpdateAlbumDto,
  ): Promise<AlbumDto> {
    return this.albums.update(viewer, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated('album.delete')
  remove(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<void> {
    return this.albums.remove(viewer, id);
  }

  @Post(':id/assets')
  @HttpCode(200)
  @Authenticated('album.edit')
  @ApiOkResponse({ type: CountDto, description: 'How many were added (those already in it are left)' })
  async add(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Body() body: AssetIdsDto,
  ): Promise<CountDto> {
    return { count: await this.albums.addAssets(viewer, id, body.ids) };
  }

  @Post(':id/assets/remove')
  @HttpCode(200)
  @Authenticated('album.edit')
  @ApiOkResponse({ type: CountDto })
  async removeAssets(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Body() body: AssetIdsDto,
  ): Promise<CountDto> {
    return { count: await this.albums.removeAssets(viewer, id, body.ids) };
  }
}
