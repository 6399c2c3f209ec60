import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AssetDetailDto, MonthDto, TimelinePageDto } from '../dtos/asset.dto.js';
import { ShareInfoDto, SharePageQueryDto, UnlockDto } from '../dtos/share.dto.js';
import { AssetService } from '../services/asset.service.js';
import { notFoundOrNoAccess } from '../common/errors.js';
import { MEDIA_KINDS, MediaService, type MediaKind } from '../services/media.service.js';
import { SessionService } from '../services/session.service.js';
import { ShareDownloadService } from '../services/share-download.service.js';
import { ShareService, type OpenLink } from '../services/share.service.js';
import { ZipDownloadService } from '../services/zip-download.service.js';
import { readCookie } from '../utils/cookies.js';
import { answerMedia } from '../utils/media-answer.js';
import { sendFile } from '../utils/send-file.js';
import { answerZip } from '../utils/zip-answer.js';

/**
 * What a share link's holder reaches, and nothing else: the link's album or asset through the same
 * timeline, detail and media code as everyone, with a visitor's viewer. No session is needed; a
 * password link needs the unlock cookie its password earned.
 */
@ApiTags('share')
@Controller('api/share/:token')
export class ShareController {
  constructor(
    private readonly share: ShareService,
    private readonly sessions: SessionService,
    private readonly assets: AssetService,
    private readonly media: MediaService,
    private readonly downloads: ShareDownloadService,
    private readonly zips: ZipDownloadService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ShareInfoDto })
  async info(@Param('token') token: string, @Req() req: Request): Promise<ShareInfoDto> {
    const open = await this.open(token, req);
    const lookup = await this.sessions.lookup(readCookie(req.headers.cookie, this.sessions.cookieName));
    return this.share.info(open, lookup.status === 'active' ? lookup.session : undefined);
  }

  @Post('unlock')
  @HttpCode(204)
  async unlock(
    @Param('token') token: string,
    @Body() body: UnlockDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const { secret, maxAgeSeconds } = await this.share.unlock(token, body.password, req.ip ?? 'unknown');
    res.setHeader(
      'Set-Cookie',
      this.sessions.cookie(this.share.unlockCookieName(), secret, {
        path: `/api/share/${token}`,
        maxAgeSeconds,
      }),
    );
  }

  @Get('assets')
  @ApiOkResponse({ type: TimelinePageDto })
  async page(
    @Param('token') token: string,
    @Query() query: SharePageQueryDto,
    @Req() req: Request,
  ): Promise<TimelinePageDto> {
    const open = await this.open(token, req);
    return this.assets.page(open.viewer, { ...query, ...this.scope(open) });
  }

  @Get('months')
  @ApiOkResponse({ type: [MonthDto] })
  async months(@Param('token') token: string, @Req() req: Request): Promise<MonthDto[]> {
    const open = await this.open(token, req);
    return this.assets.months(open.viewer, this.scope(open));
  }

  @Get('assets/:id')
  @ApiOkResponse({ type: AssetDetailDto, description: 'Without the folder it lies in' })
  async detail(
    @Param('token') token: string,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<AssetDetailDto> {
    const open = await this.open(token, req);
    const detail = await this.assets.detail(open.viewer, id);
    // Nothing of the library beyond the link: not even the folders the file lies in.
    return { ...detail, path: detail.fileName, folder: '' };
  }

  @Get('assets/:id/:kind')
  @ApiParam({ name: 'kind', enum: MEDIA_KINDS })
  @ApiProduces('image/webp', 'image/jpeg', 'image/svg+xml', 'video/mp4', 'application/octet-stream')
  async stream(
    @Param('token') token: string,
    @Param('id') id: string,
    @Param('kind') kind: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const open = await this.open(token, req);
    if (!(MEDIA_KINDS as readonly string[]).includes(kind)) throw notFoundOrNoAccess('asset');
    await answerMedia(req, res, await this.media.resolve(open.viewer, id, kind as MediaKind, req.query.v));
  }

  @Get('download')
  @ApiProduces('application/zip', 'application/octet-stream')
  @ApiOkResponse({
    description:
      "An album link's photos as a zip of originals; an asset link's original file. Only for links that allow downloads",
  })
  async download(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.downloads.download(await this.open(token, req));
    if ('zip' in answer) return answerZip(this.zips, answer.zip, res);
    if (!(await sendFile(req, res, answer.file))) throw notFoundOrNoAccess('asset');
  }

  private open(token: string, req: Request): Promise<OpenLink> {
    return this.share.open(token, readCookie(req.headers.cookie, this.share.unlockCookieName()));
  }

  /** An album link's pages are the album's; an asset link's the one asset its viewer sees. */
  private scope(open: OpenLink): { album?: string } {
    return open.link.target.kind === 'album' ? { album: open.link.target.albumId } : {};
  }
}
