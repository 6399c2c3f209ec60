import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Viewer } from '@atrium/policy';
import { AssetDetailDto, MonthDto, TimelinePageDto, TimelineQueryDto } from '../dtos/asset.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { AssetService } from '../services/asset.service.js';
import { notFoundOrNoAccess } from '../common/errors.js';
import { MEDIA_KINDS, MediaService, type MediaKind } from '../services/media.service.js';
import { answerMedia } from '../utils/media-answer.js';

/** The timeline, asset details and media streams (HTTP ranges; placeholders while derivatives are made). */
@ApiTags('assets')
@Controller('api/assets')
export class AssetController {
  constructor(
    private readonly assets: AssetService,
    private readonly media: MediaService,
  ) {}

  @Get()
  @Authenticated('asset.view')
  @ApiOkResponse({ type: TimelinePageDto, description: 'Newest first, in keyset pages' })
  page(@CurrentViewer() viewer: Viewer, @Query() query: TimelineQueryDto): Promise<TimelinePageDto> {
    return this.assets.page(viewer, query);
  }

  @Get('months')
  @Authenticated('asset.view')
  @ApiOkResponse({
    type: [MonthDto],
    description: 'Months with something to show, newest first (the scrubber)',
  })
  months(@CurrentViewer() viewer: Viewer, @Query() query: TimelineQueryDto): Promise<MonthDto[]> {
    return this.assets.months(viewer, query);
  }

  @Get(':id')
  @Authenticated('asset.view')
  @ApiOkResponse({ type: AssetDetailDto })
  detail(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<AssetDetailDto> {
    return this.assets.detail(viewer, id);
  }

  /** thumbnail (WebP), preview, poster (videos), video (MP4 or the original), original (download). Range requests welcome. */
  @Get(':id/:kind')
  @Authenticated('asset.view')
  @ApiParam({ name: 'kind', enum: MEDIA_KINDS })
  @ApiProduces('image/webp', 'image/jpeg', 'image/svg+xml', 'video/mp4', 'application/octet-stream')
  async stream(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Param('kind') kind: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!(MEDIA_KINDS as readonly string[]).includes(kind)) throw notFoundOrNoAccess('asset');
    await answerMedia(req, res, await this.media.resolve(viewer, id, kind as MediaKind, req.query.v));
  }
}
