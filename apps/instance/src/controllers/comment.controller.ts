import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { CommentDto, CommentQueryDto, CreateCommentDto, EditCommentDto } from '../dtos/comment.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { CommentService } from '../services/comment.service.js';

/** Comments on albums and on photos and videos. */
@ApiTags('comments')
@Controller('api/comments')
export class CommentController {
  constructor(private readonly comments: CommentService) {}

  @Get()
  @Authenticated('asset.view')
  @ApiOkResponse({ type: [CommentDto] })
  list(@CurrentViewer() viewer: Viewer, @Query() query: CommentQueryDto): Promise<CommentDto[]> {
    return this.comments.list(viewer, { albumId: query.album, assetId: query.asset });
  }

  @Post()
  @Authenticated('comment.create')
  @ApiOkResponse({ type: CommentDto })
  create(@CurrentViewer() viewer: Viewer, @Body() body: CreateCommentDto): Promise<CommentDto> {
    return this.comments.create(viewer, { albumId: body.albumId, assetId: body.assetId }, body.body);
  }

  @Patch(':id')
  @Authenticated('comment.create')
  @ApiOkResponse({ type: CommentDto })
  edit(
    @CurrentViewer() viewer: Viewer,
    @Param('id') id: string,
    @Body() body: EditCommentDto,
  ): Promise<CommentDto> {
    return this.comments.edit(viewer, id, body.body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated()
  remove(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<void> {
    return this.comments.remove(viewer, id);
  }
}
