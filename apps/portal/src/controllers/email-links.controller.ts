import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { AcceptInvitationDto, EmailDto, LinkTokenParams, NewPasswordDto } from '../dtos/account.dto.js';
import { InvitationService } from '../services/invitation.service.js';
import { MailService } from '../services/mail.service.js';
import { PasswordResetService } from '../services/password-reset.service.js';
import { SessionService } from '../services/session.service.js';
import { meta, setSessionCookie } from './session-cookie.js';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EmailLinkDto, MailOptionsDto, MailSentDto, PasswordResetDoneDto, PasswordResetLinkDto, SignInStepDto } from '../dtos/answers.dto.js';

const SENT = {
  sent: true,
  message: 'If an account can use this address, a mail is on its way. Check your inbox.',
};

/** Links sent by mail: invitations, self-registration, password reset (no session needed). */
@ApiTags('email links')
@Controller('api')
export class EmailLinksController {
  constructor(
    private readonly invitations: InvitationService,
    private readonly resets: PasswordResetService,
    private readonly sessions: SessionService,
    private readonly mail: MailService,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** What the sign-in page offers besides the password form. */
  @Get('mail-options')
  @ApiOkResponse({ type: MailOptionsDto })
  options() {
    return {
      passwordReset: this.mail.enabled,
      selfRegistration: this.settings.selfRegistration && this.mail.enabled,
    };
  }

  @Get('invitations/:token')
  @ApiOkResponse({ type: EmailLinkDto })
  describe(@Param() params: LinkTokenParams, @Req() req: Request) {
    return this.invitations.describe(params.token, meta(req));
  }

  @Post('invitations/:token')
  @HttpCode(200)
  @ApiOkResponse({ type: SignInStepDto, description: 'Sets the session cookie' })
  async accept(
    @Param() params: LinkTokenParams,
    @Body() body: AcceptInvitationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accepted = await this.invitations.accept(params.token, body, meta(req));
    setSessionCookie(res, this.sessions, accepted);
    return { next: accepted.next, csrfToken: accepted.session.csrfToken };
  }

  @Post('register')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MailSentDto })
  async register(@Body() body: EmailDto, @Req() req: Request) {
    await this.invitations.register(body.email, meta(req));
    return SENT;
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MailSentDto })
  async requestReset(@Body() body: EmailDto, @Req() req: Request) {
    await this.resets.request(body.email, meta(req));
    return SENT;
  }

  @Get('password-reset/:token')
  @ApiOkResponse({ type: PasswordResetLinkDto })
  describeReset(@Param() params: LinkTokenParams, @Req() req: Request) {
    return this.resets.describe(params.token, meta(req));
  }

  @Post('password-reset/:token')
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordResetDoneDto })
  async completeReset(@Param() params: LinkTokenParams, @Body() body: NewPasswordDto, @Req() req: Request) {
    const { username } = await this.resets.complete(params.token, body.password, meta(req));
    return { reset: true, username };
  }
}
