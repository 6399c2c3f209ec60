import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { AlbumDto } from '../dtos/album.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { AlbumService } from '../services/album.service.js';

/** Albums the viewer may see, counted over the assets it may see. */
@ApiTags('albums')
@Controller('api/albums')
export class AlbumController {
  constructor(private readonly albums: AlbumService) {}

  @Get()
  @Authenticated('album.view')
  @ApiOkResponse({ type: [AlbumDto] })
  list(@CurrentViewer() viewer: Viewer): Promise<AlbumDto[]> {
    return this.albums.list(viewer);
  }

  @Get(':id')
  @Authenticated('album.view')
  @ApiOkResponse({ type: AlbumDto })
  show(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<AlbumDto> {
    return this.albums.show(viewer, id);
  }
}
