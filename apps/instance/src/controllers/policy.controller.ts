import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessPolicy, Viewer } from '@atrium/policy';
import {
  DirectoryDto,
  DirectoryQueryDto,
  PolicyAnswerDto,
  SetAssetPolicyDto,
  SetPolicyDto,
} from '../dtos/album-edit.dto.js';
import { CountDto } from '../dtos/edit.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { AlbumEditService } from '../services/album-edit.service.js';
import { PortalClient } from '../services/portal-client.service.js';

const answer = (policy: AccessPolicy | null): PolicyAnswerDto => ({
  policy: policy && { everyone: policy.everyone, users: [...policy.users], groups: [...policy.groups] },
});

/**
 * Album and photo policies (docs/architecture.md rule 6): who beyond the whole-library roles sees an album, or a
 * photo regardless of its albums; and the portal's directory to pick people and groups from.
 */
@ApiTags('policies')
@Controller('api')
export class PolicyController {
  constructor(
    private readonly albums: AlbumEditService,
    private readonly portal: PortalClient,
  ) {}

  @Get('albums/:id/policy')
  @Authenticated('album.edit')
  @ApiOkResponse({ type: PolicyAnswerDto })
  async albumPolicy(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<PolicyAnswerDto> {
    return answer(await this.albums.albumPolicy(viewer, id));
  }

  @Put('albums/:id/policy')
  @Authenticated('album.edit')
  @ApiOkResponse({ type: PolicyAnswerDto })
  async setAlbumPolicy(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Body() body: SetPolicyDto,
  ): Promise<PolicyAnswerDto> {
    return answer(await this.albums.setAlbumPolicy(viewer, id, body.policy));
  }

  @Get('policies/assets/:id')
  @Authenticated('asset.edit')
  @ApiOkResponse({ type: PolicyAnswerDto, description: "The photo's own policy; null when it inherits" })
  async assetPolicy(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<PolicyAnswerDto> {
    return answer(await this.albums.assetPolicy(viewer, id));
  }

  @Put('policies/assets')
  @Authenticated('asset.edit')
  @ApiOkResponse({ type: CountDto })
  async setAssetPolicy(@CurrentViewer() viewer: Viewer, @Body() body: SetAssetPolicyDto): Promise<CountDto> {
    return { count: await this.albums.setAssetPolicy(viewer, body.ids, body.policy) };
  }

  @Get('directory')
  @Authenticated('album.edit')
  @ApiOkResponse({
    type: DirectoryDto,
    description: "People and groups with access to this library (the portal's directory)",
  })
  directory(@Query() query: DirectoryQueryDto): Promise<DirectoryDto> {
    return this.portal.directory(query.q ?? '');
  }
}
