import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { FolderDto, FolderQueryDto, TagDto } from '../dtos/album.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { BrowseService } from '../services/browse.service.js';

/** Folders and tags to filter the timeline by, listed only where the viewer sees something. */
@ApiTags('browse')
@Controller('api')
export class BrowseController {
  constructor(private readonly browse: BrowseService) {}

  @Get('folders')
  @Authenticated('asset.view')
  @ApiOkResponse({ type: [FolderDto] })
  folders(@CurrentViewer() viewer: Viewer, @Query() query: FolderQueryDto): Promise<FolderDto[]> {
    return this.browse.folders(viewer, query.parent ?? '');
  }

  @Get('tags')
  @Authenticated('asset.view')
  @ApiOkResponse({ type: [TagDto] })
  tags(@CurrentViewer() viewer: Viewer): Promise<TagDto[]> {
    return this.browse.tags(viewer);
  }
}
