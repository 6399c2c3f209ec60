import { Body, Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AppPasswordDto, DirectoryQuery, JoinDto } from '../dtos/cluster.dto.js';
import type { NodeEntity } from '../entities/node.entity.js';
import { CurrentNode, NodeAuthGuard } from '../guards/node-auth.guard.js';
import { MachineRoute } from '../guards/origin.guard.js';
import { AppPasswordService } from '../services/app-password.service.js';
import { DirectoryService, DIRECTORY_MAX } from '../services/directory.service.js';
import { NodeService } from '../services/node.service.js';
import { ApiBasicAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppPasswordAnswerDto, DirectoryDto, NodeCredentialsDto } from '../dtos/answers.dto.js';

/** The node API (docs/contracts.md §3). */
@ApiTags('cluster (node API)')
@Controller('api/cluster')
@MachineRoute()
export class ClusterController {
  constructor(
    private readonly nodes: NodeService,
    private readonly directory: DirectoryService,
    private readonly appPasswords: AppPasswordService,
  ) {}

  @Post('join')
  @HttpCode(200)
  @ApiOkResponse({ type: NodeCredentialsDto })
  join(@Body() body: JoinDto, @Req() req: Request) {
    return this.nodes.join(body.token, req.ip);
  }

  /** An app password made for this node (never accepted at portal sign-in). */
  @Post('app-passwords/verify')
  @HttpCode(200)
  @UseGuards(NodeAuthGuard)
  @ApiBasicAuth('node')
  @ApiOkResponse({ type: AppPasswordAnswerDto })
  verifyAppPassword(@Body() body: AppPasswordDto, @CurrentNode() node: NodeEntity, @Req() req: Request) {
    return this.appPasswords.verify(node, body, {
      ip: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
  }

  @Get('directory')
  @UseGuards(NodeAuthGuard)
  @ApiBasicAuth('node')
  @ApiOkResponse({ type: DirectoryDto })
  list(@Query() query: DirectoryQuery, @CurrentNode() node: NodeEntity) {
    return this.directory.forNode(node, query.q ?? '', query.limit ?? DIRECTORY_MAX);
  }
}
