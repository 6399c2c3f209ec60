import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Viewer } from '@atrium/policy';
import {
  DownloadFolderQueryDto,
  DownloadInfoDto,
  DownloadSelectionDto,
  downloadInfoOf,
} from '../dtos/download.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { ZipDownloadService } from '../services/zip-download.service.js';
import { answerZip } from '../utils/zip-answer.js';

/**
 * Zips streamed while they are made: an album, a folder or a selection; originals where allowed,
 * else previews. Each has an `info` twin that plans the same zip and answers what it would hold
 * (or the same refusal), so a browser can ask before it starts a download it cannot read errors of.
 */
@ApiTags('downloads')
@Controller('api/downloads')
export class DownloadController {
  constructor(private readonly zips: ZipDownloadService) {}

  @Get('albums/:id/info')
  @Authenticated('asset.view')
  @ApiOkResponse({ type: DownloadInfoDto })
  async albumInfo(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<DownloadInfoDto> {
    return downloadInfoOf(await this.zips.album(viewer, id));
  }

  @Get('folder/info')
  @Authenticated('asset.view')
  @ApiOkResponse({ type: DownloadInfoDto })
  async folderInfo(@CurrentViewer() viewer: Viewer, @Query() query: DownloadFolderQueryDto): Promise<DownloadInfoDto> {
    return downloadInfoOf(await this.zips.folder(viewer, query.path));
  }

  @Post('info')
  @HttpCode(200)
  @Authenticated('asset.view')
  @ApiOkResponse({ type: DownloadInfoDto })
  async selectionInfo(@CurrentViewer() viewer: Viewer, @Body() body: DownloadSelectionDto): Promise<DownloadInfoDto> {
    return downloadInfoOf(await this.zips.selection(viewer, body.ids));
  }

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
