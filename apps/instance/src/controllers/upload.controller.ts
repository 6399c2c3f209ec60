import { Body, Controller, Delete, Head, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Viewer } from '@atrium/policy';
import { MultipartAnswerDto, UploadCheckAnswerDto, UploadCheckDto } from '../dtos/upload.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { MultipartUploadsService } from '../services/multipart-uploads.service.js';
import { TusUploadsService } from '../services/tus-uploads.service.js';
import { UploadService } from '../services/upload.service.js';

/**
 * Uploads: resumable ones with the tus 1.0 protocol (create, resume with HEAD, send with PATCH,
 * cancel with DELETE), plain multipart for small files, and a duplicate check before a transfer.
 */
@ApiTags('uploads')
@Controller('api/uploads')
export class UploadController {
  constructor(
    private readonly tus: TusUploadsService,
    private readonly multipart: MultipartUploadsService,
    private readonly uploads: UploadService,
  ) {}

  @Post()
  @Authenticated('asset.upload')
  @ApiOperation({ summary: 'tus: create an upload (Upload-Length, Upload-Metadata filename, folder, sha256)' })
  create(@CurrentViewer() viewer: Viewer, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.tus.handle(viewer, req, res);
  }

  @Post('check')
  @HttpCode(200)
  @Authenticated('asset.upload')
  @ApiOkResponse({ type: UploadCheckAnswerDto, description: '409 ERR_UPLOAD_DUPLICATE when the content is known' })
  async check(@CurrentViewer() viewer: Viewer, @Body() body: UploadCheckDto): Promise<UploadCheckAnswerDto> {
    const target = this.uploads.resolveTarget(viewer, body);
    await this.uploads.refuseKnownContent(viewer, target.sha256);
    return { folder: target.folder, fileName: target.fileName };
  }

  @Post('files')
  @Authenticated('asset.upload')
  @ApiConsumes('multipart/form-data')
  @ApiCreatedResponse({ type: MultipartAnswerDto })
  async files(@CurrentViewer() viewer: Viewer, @Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.multipart.receive(viewer, req);
    res.status(answer.status).json({ files: answer.files });
  }

  @Head(':id')
  @Authenticated('asset.upload')
  @ApiOperation({ summary: 'tus: how much of an upload arrived (Upload-Offset)' })
  offset(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.tus.handle(viewer, req, res, id);
  }

  @Patch(':id')
  @Authenticated('asset.upload')
  @ApiOperation({ summary: 'tus: send bytes from Upload-Offset; the last answers with the outcome' })
  send(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.tus.handle(viewer, req, res, id);
  }

  @Delete(':id')
  @Authenticated('asset.upload')
  @ApiOperation({ summary: 'tus: cancel an upload and drop what arrived' })
  cancel(@CurrentViewer() viewer: Viewer, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.tus.handle(viewer, req, res, id);
  }
}
