import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AdminAuditPageDto,
  AuditQuery,
  LoginAuditPageDto,
  MeDto,
  SessionPageDto,
  SessionQuery,
  SignInAuditQuery,
  adminAuditView,
  loginAuditView,
  sessionView,
} from '../dtos/admin-sessions.dto.js';
import { DoneDto, TextParam } from '../dtos/admin-users.dto.js';
import { AdminGuard, CurrentAdmin, type AdminActor } from '../guards/admin.guard.js';
import { AdminAuditService } from '../services/admin-audit.service.js';
import { LoginAuditService } from '../services/login-audit.service.js';
import { SessionAdminService } from '../services/session-admin.service.js';

/**
 * The admin's header, Sessions and Audit screens: the same SessionAdminService and audit reads as
 * `atrium auth …` and `atrium audit …`.
 */
@ApiTags('admin')
@ApiCookieAuth()
@Controller('api/admin')
@UseGuards(AdminGuard)
export class AdminSessionsController {
  constructor(
    private readonly sessions: SessionAdminService,
    private readonly audit: AdminAuditService,
    private readonly logins: LoginAuditService,
  ) {}

  /** Who the admin is, and the CSRF token for changes. */
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  me(@CurrentAdmin() admin: AdminActor): MeDto {
    return { username: admin.account.username, name: admin.account.name, csrfToken: admin.session.csrfToken };
  }

  @Get('sessions')
  @ApiOkResponse({ type: SessionPageDto })
  async list(@Query() query: SessionQuery, @CurrentAdmin() admin: AdminActor): Promise<SessionPageDto> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const rows = await this.sessions.list(query.q, { offset, limit: limit + 1 });
    return {
      items: rows.slice(0, limit).map((s) => sessionView(s, admin.session.ref)),
      offset,
      limit,
      more: rows.length > limit,
    };
  }

  /** Ends one portal session and the library sessions it opened. */
  @Delete('sessions/:ref')
  @ApiOkResponse({ type: DoneDto })
  async end(@Param('ref', TextParam) ref: string, @CurrentAdmin() admin: AdminActor): Promise<DoneDto> {
    await this.sessions.remove(ref, admin.account.username);
    return { ok: true };
  }

  @Get('audit/admin')
  @ApiOkResponse({ type: AdminAuditPageDto })
  async adminAudit(@Query() query: AuditQuery): Promise<AdminAuditPageDto> {
    const page = await this.audit.list({ search: query.q, cursor: query.before, limit: query.limit ?? 50 });
    return { items: page.entries.map(adminAuditView), next: page.nextCursor };
  }

  @Get('audit/sign-ins')
  @ApiOkResponse({ type: LoginAuditPageDto })
  async signInAudit(@Query() query: SignInAuditQuery): Promise<LoginAuditPageDto> {
    const page = await this.logins.list({
      search: query.q,
      result: query.result,
      reason: query.reason,
      method: query.method,
      cursor: query.before,
      limit: query.limit ?? 50,
    });
    return { items: page.entries.map(loginAuditView), next: page.nextCursor };
  }
}
