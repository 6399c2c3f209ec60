import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Viewer } from '@atrium/policy';
import { AssetIdsDto, CountDto } from '../dtos/edit.dto.js';
import {
  EmptyResultDto,
  EmptyTrashDto,
  TrashPageDto,
  TrashQueryDto,
  TrashSettingsDto,
} from '../dtos/trash.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { MediaService } from '../services/media.service.js';
import { TrashBrowseService } from '../services/trash-browse.service.js';
import { TrashService } from '../services/trash.service.js';
import { answerMedia } from '../utils/media-answer.js';

/** Moving to the trash, the trash itself, restoring and emptying it, and its library setting. */
@ApiTags('trash')
@Controller('api/trash')
export class TrashController {
  constructor(
    private readonly trash: TrashService,
    private readonly browse: TrashBrowseService,
    private readonly media: MediaService,
  ) {}

  @Post()
  @HttpCode(200)
  @Authenticated('asset.delete')
  @ApiOkResponse({ type: CountDto, description: 'Moves the assets to the trash' })
  async moveToTrash(@CurrentViewer() viewer: Viewer, @Body() body: AssetIdsDto): Promise<CountDto> {
    return { count: await this.trash.moveToTrash(viewer, body.ids) };
  }

  @Get()
  @Authenticated('asset.delete')
  @ApiOkResponse({ type: TrashPageDto, description: 'What you may delete for good, newest deletion first' })
  page(@CurrentViewer() viewer: Viewer, @Query() query: TrashQueryDto): Promise<TrashPageDto> {
    return this.browse.page(viewer, query);
  }

  @Post('restore')
  @HttpCode(200)
  @Authenticated('asset.delete')
  @ApiOkResponse({ type: CountDto })
  async restore(@CurrentViewer() viewer: Viewer, @Body() body: AssetIdsDto): Promise<CountDto> {
    return { count: await this.trash.restore(viewer, body.ids) };
  }

  @Post('empty')
  @HttpCode(200)
  @Authenticated('asset.delete')
  @ApiOkResponse({ type: EmptyResultDto })
  empty(@CurrentViewer() viewer: Viewer, @Body() body: EmptyTrashDto): Promise<EmptyResultDto> {
    return this.trash.empty(viewer, body.ids);
  }

  @Get('settings')
  @Authenticated('settings.library')
  @ApiOkResponse({ type: TrashSettingsDto })
  settings(): Promise<TrashSettingsDto> {
    return this.trash.settings();
  }

  @Put('settings')
  @Authenticated('settings.library')
  @ApiOkResponse({ type: TrashSettingsDto })
  saveSettings(@Body() body: TrashSettingsDto): Promise<TrashSettingsDto> {
    return this.trash.saveSettings(body);
  }

  @Get(':id/thumbnail')
  @Authenticated('asset.delete')
  @ApiProduces('image/webp', 'image/svg+xml')
  async thumbnail(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await answerMedia(req, res, await this.media.trashedThumbnail(viewer, id, req.query.v));
  }
}
