import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Viewer } from '@atrium/policy';
import { DownloadFolderQueryDto, DownloadSelectionDto } from '../dtos/download.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { ZipDownloadService } from '../services/zip-download.service.js';
import { answerZip } from '../utils/zip-answer.js';

/** Zips streamed while they are made: an album, a folder or a selection; originals where allowed, else previews. */
@ApiTags('downloads')
@Controller('api/downloads')
export class DownloadController {
  constructor(private readonly zips: ZipDownloadService) {}

  @Get('albums/:id')
  @Authenticated('asset.view')
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'A zip of the album' })
  async album(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await answerZip(this.zips, await this.zips.album(viewer, id), res);
  }

  @Get('folder')
  @Authenticated('asset.view')
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'A zip of a folder and its subfolders' })
  async folder(
    @CurrentViewer() viewer: Viewer,
    @Query() query: DownloadFolderQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    await answerZip(this.zips, await this.zips.folder(viewer, query.path), res);
  }

  @Post()
  @HttpCode(200)
  @Authenticated('asset.view')
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'A zip of the selected assets' })
  async selection(
    @CurrentViewer() viewer: Viewer,
    @Body() body: DownloadSelectionDto,
    @Res() res: Response,
  ): Promise<void> {
    await answerZip(this.zips, await this.zips.selection(viewer, body.ids), res);
  }
}
