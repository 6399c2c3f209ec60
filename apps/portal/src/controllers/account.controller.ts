import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CodeDto } from '../dtos/auth.dto.js';
import {
  AppPasswordIdParams,
  ChangePasswordDto,
  CreateAppPasswordDto,
  SessionRefParams,
} from '../dtos/account.dto.js';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { CurrentSession, PortalSessionGuard } from '../guards/portal-session.guard.js';
import { AccountPageService } from '../services/account-page.service.js';
import { AppPasswordService } from '../services/app-password.service.js';
import { SessionService } from '../services/session.service.js';
import { SignInService } from '../services/sign-in.service.js';
import { clearSessionCookie, meta } from './session-cookie.js';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountSummaryDto, AppPasswordsDto, CreatedAppPasswordDto, OwnSessionsDto, PasswordChangedDto, RecoveryCodesDto, RevokedDto, SessionEndedDto } from '../dtos/answers.dto.js';

const DAY_MS = 86_400_000;

/** The account page: every signed-in person's own password, second factor, sessions and app passwords. */
@ApiTags('account')
@Controller('api/account')
@UseGuards(PortalSessionGuard)
export class AccountController {
  constructor(
    private readonly page: AccountPageService,
    private readonly appPasswords: AppPasswordService,
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  @ApiOkResponse({ type: AccountSummaryDto })
  summary(@CurrentSession() session: PortalSessionEntity) {
    return this.page.summary(session);
  }

  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordChangedDto })
  changePassword(
    @CurrentSession() session: PortalSessionEntity,
    @Body() body: ChangePasswordDto,
    @Req() req: Request,
  ) {
    return this.page.changePassword(session, body, meta(req));
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  async recoveryCodes(
    @CurrentSession() session: PortalSessionEntity,
    @Body() body: CodeDto,
    @Req() req: Request,
  ) {
    return { recoveryCodes: await this.signIn.regenerateRecoveryCodes(session, body.code, meta(req)) };
  }

  @Get('sessions')
  @ApiOkResponse({ type: OwnSessionsDto })
  async ownSessions(@CurrentSession() session: PortalSessionEntity) {
    return { sessions: await this.page.ownSessions(session) };
  }

  @Post('sessions/:ref/end')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionEndedDto })
  async endSession(
    @CurrentSession() session: PortalSessionEntity,
    @Param() params: SessionRefParams,
    @Res({ passthrough: true }) res: Response,
  ) {
    const ended = await this.page.endSession(session, params.ref);
    if (ended.current) clearSessionCookie(res, this.sessions);
    return { ended: true, signedOut: ended.current };
  }

  @Get('app-passwords')
  @ApiOkResponse({ type: AppPasswordsDto })
  async listAppPasswords(@CurrentSession() session: PortalSessionEntity) {
    const rows = this.appPasswords.enabled ? await this.appPasswords.ofAccount(session.accountId) : [];
    return {
      enabled: this.appPasswords.enabled,
      appPasswords: rows.map(({ id, name, node, createdAt, expiresAt, lastUsedAt }) => ({
        id,
        name,
        node,
        createdAt,
        expiresAt,
        lastUsedAt,
      })),
    };
  }

  @Post('app-passwords')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedAppPasswordDto })
  async createAppPassword(
    @CurrentSession() session: PortalSessionEntity,
    @Body() body: CreateAppPasswordDto,
  ) {
    const account = await this.page.account(session);
    return this.appPasswords.create(
      account,
      {
        node: body.node,
        name: body.name,
        expiresInMs: body.expiresInDays === undefined ? undefined : body.expiresInDays * DAY_MS,
      },
      account.username,
    );
  }

  @Post('app-passwords/:id/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedDto })
  async revokeAppPassword(
    @CurrentSession() session: PortalSessionEntity,
    @Param() params: AppPasswordIdParams,
  ) {
    const account = await this.page.account(session);
    await this.appPasswords.revoke(params.id, account.username, account.id);
    return { revoked: true };
  }
}
