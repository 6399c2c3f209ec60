import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Delete, Get, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CSV_HEADER,
  DirectoryDto,
  DirectoryQueryDto,
  ExplainQuery,
  ExplanationDto,
  GrantDto,
  GrantListDto,
  GrantQuery,
  MappingDto,
  MappingKeyQuery,
  MappingListDto,
  MatrixPageDto,
  MatrixQuery,
  NodeQuery,
  PreviewDto,
  PreviewQuery,
  cellView,
  grantView,
  mappingView,
  matrixCsv,
  matrixView,
} from '../dtos/admin-access.dto.js';
import { DoneDto } from '../dtos/admin-users.dto.js';
import { AdminGuard, CurrentAdmin, type AdminActor } from '../guards/admin.guard.js';
import { AdmissionService, type MatrixFilter } from '../services/admission.service.js';
import { AccountService } from '../services/account.service.js';
import { GrantService } from '../services/grant.service.js';

const PICKER_MAX = 20;

const filterOf = (q: MatrixQuery): MatrixFilter => ({
  search: q.q,
  group: q.group,
  node: q.node,
  role: q.role,
});

/**
 * The admin's Access and Matrix screens: grants and group mappings through the same GrantService as
 * `atrium cluster users access` / `cluster nodes allow-group`, decisions through AdmissionService
 * (libs/policy), as `atrium cluster access explain` shows them.
 */
@ApiTags('admin')
@ApiCookieAuth()
@Controller('api/admin')
@UseGuards(AdminGuard)
export class AdminAccessController {
  constructor(
    private readonly grants: GrantService,
    private readonly access: AdmissionService,
    private readonly accounts: AccountService,
  ) {}

  @Get('grants')
  @ApiOkResponse({ type: GrantListDto })
  async listGrants(@Query() query: GrantQuery): Promise<GrantListDto> {
    return { items: (await this.grants.list({ username: query.user, node: query.node })).map(grantView) };
  }

  /** Grants (or changes) a user's access to a library; lowering it ends the user's sessions there now. */
  @Put('grants')
  @ApiOkResponse({ type: ExplanationDto, description: 'The decision the grant leads to' })
  async grant(@Body() body: GrantDto, @CurrentAdmin() admin: AdminActor): Promise<ExplanationDto> {
    await this.grants.grant(body, admin.account.username);
    return this.explain({ user: body.username, node: body.node });
  }

  /** Revokes a grant; the user's open sessions in that library end through back-channel logout. */
  @Delete('grants')
  @ApiOkResponse({ type: DoneDto })
  async revoke(@Query() query: ExplainQuery, @CurrentAdmin() admin: AdminActor): Promise<DoneDto> {
    await this.grants.revoke({ username: query.user, node: query.node }, admin.account.username);
    return { ok: true };
  }

  @Get('mappings')
  @ApiOkResponse({ type: MappingListDto })
  async listMappings(@Query() query: NodeQuery): Promise<MappingListDto> {
    return { items: (await this.grants.mappings(query.node)).map((m) => mappingView(query.node, m)) };
  }

  @Put('mappings')
  @ApiOkResponse({ type: DoneDto })
  async allowGroup(@Body() body: MappingDto, @CurrentAdmin() admin: AdminActor): Promise<DoneDto> {
    await this.grants.allowGroup(body, admin.account.username);
    return { ok: true };
  }

  @Delete('mappings')
  @ApiOkResponse({ type: DoneDto })
  async denyGroup(@Query() query: MappingKeyQuery, @CurrentAdmin() admin: AdminActor): Promise<DoneDto> {
    await this.grants.denyGroup(query, admin.account.username);
    return { ok: true };
  }

  /** Users × libraries, one page by username, each cell the role and why. */
  @Get('matrix')
  @ApiOkResponse({ type: MatrixPageDto })
  async matrix(@Query() query: MatrixQuery): Promise<MatrixPageDto> {
    return matrixView(
      await this.access.matrix(filterOf(query), { after: query.after, limit: query.limit ?? 50 }),
    );
  }

  /** The whole matrix as CSV (one line per user and library), streamed a page at a time. */
  @Get('matrix/export')
  @ApiOkResponse({
    description: 'username,name,library,allowed,role,reason,group,base_path,upload_path',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async exportMatrix(@Query() query: MatrixQuery, @Res() res: Response): Promise<void> {
    const filter = filterOf(query);
    const pages = this.access.matrixPages(filter);
    // The first page is read before the headers go out, so a bad filter still answers 4xx as JSON.
    const first = await pages.next();
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="atrium-access.csv"');
    res.setHeader('Cache-Control', 'no-store');
    async function* lines() {
      yield CSV_HEADER;
      if (!first.done) yield matrixCsv(first.value);
      for await (const page of pages) yield matrixCsv(page);
    }
    // A failure mid-stream can no longer change the status: the cut connection tells the client.
    await pipeline(Readable.from(lines()), res).catch(() => res.destroy());
  }

  @Get('explain')
  @ApiOkResponse({ type: ExplanationDto })
  async explain(@Query() query: ExplainQuery): Promise<ExplanationDto> {
    const explanation = await this.access.explain(query.user, query.node);
    return {
      username: explanation.username,
      node: explanation.node,
      cell: cellView(explanation.node, explanation.decision),
      lines: explanation.lines,
    };
  }

  /** What a path template becomes for a user, as the library will see it. */
  @Get('path-preview')
  @ApiOkResponse({ type: PreviewDto })
  preview(@Query() query: PreviewQuery): PreviewDto {
    return { path: this.grants.previewPath(query.template, query.username) };
  }

  /** Users and groups for the pickers of the Access forms. */
  @Get('directory')
  @ApiOkResponse({ type: DirectoryDto })
  async directory(@Query() query: DirectoryQueryDto): Promise<DirectoryDto> {
    return this.accounts.directory(query.q ?? '', PICKER_MAX);
  }
}
