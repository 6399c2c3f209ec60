import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { CreateShareLinkDto, CreatedShareLinkDto, ShareLinkDto } from '../dtos/share.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { ShareLinkService } from '../services/share-link.service.js';

/** Share links of the library: make one, list them all (who made it, expiry, opens), revoke. */
@ApiTags('share')
@Controller('api/share-links')
export class ShareLinkController {
  constructor(private readonly links: ShareLinkService) {}

  @Post()
  @Authenticated('share_link.create')
  @ApiOkResponse({ type: CreatedShareLinkDto })
  create(@CurrentViewer() viewer: Viewer, @Body() body: CreateShareLinkDto): Promise<CreatedShareLinkDto> {
    return this.links.create(viewer, body);
  }

  @Get()
  @Authenticated('share_link.manage')
  @ApiOkResponse({ type: [ShareLinkDto] })
  list(): Promise<ShareLinkDto[]> {
    return this.links.list();
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Authenticated('share_link.manage')
  @ApiOkResponse({ type: ShareLinkDto })
  revoke(@Param('id') id: string): Promise<ShareLinkDto> {
    return this.links.revoke(id);
  }
}
