import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { CodeDto, ConfirmEnrolmentDto, PasswordStepDto } from '../dtos/auth.dto.js';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { AllowStages, CurrentSession, PortalSessionGuard } from '../guards/portal-session.guard.js';
import { SessionService } from '../services/session.service.js';
import { SignInService } from '../services/sign-in.service.js';
import { OidcSignInService } from '../upstream/oidc/oidc-sign-in.service.js';
import { clearSessionCookie, meta, setSessionCookie } from './session-cookie.js';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EnrolmentConfirmedDto, EnrolmentDto, SessionViewDto, SignInStepDto, SignedOutDto } from '../dtos/answers.dto.js';

/** The `otpauth://` URI as a QR code for authenticator apps: an SVG data URL (no script, no fetch). */
export async function totpQr(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** Local sign-in: password, then TOTP or a recovery code, TOTP enrolment, sign-out. */
@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    private readonly oidc: OidcSignInService,
  ) {}

  /** Who is signed in, at which stage, and the CSRF token for state-changing requests. */
  @Get('session')
  @ApiOkResponse({ type: SessionViewDto })
  session(@Req() req: Request) {
    return this.sessions.view(req.cookies?.[this.sessions.cookie().name]);
  }

  @Post('auth/password')
  @HttpCode(200)
  @ApiOkResponse({ type: SignInStepDto, description: 'Sets the session cookie' })
  async password(
    @Body() body: PasswordStepDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.signIn.password(body, meta(req));
    setSessionCookie(res, this.sessions, result);
    return { next: result.next, csrfToken: result.session.csrfToken };
  }

  @Post('auth/totp')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('password')
  @ApiOkResponse({ type: SignInStepDto })
  async totp(
    @Body() body: CodeDto,
    @CurrentSession() session: PortalSessionEntity,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.signIn.totp(session, body.code, meta(req));
    setSessionCookie(res, this.sessions, result);
    return { next: result.next, csrfToken: result.session.csrfToken };
  }

  @Post('auth/recovery')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('password')
  @ApiOkResponse({ type: SignInStepDto })
  async recovery(
    @Body() body: CodeDto,
    @CurrentSession() session: PortalSessionEntity,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.signIn.recoveryCode(session, body.code, meta(req));
    setSessionCookie(res, this.sessions, result);
    return { next: result.next, csrfToken: result.session.csrfToken };
  }

  @Post('auth/totp/enrol')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('enrol_totp', 'full')
  @ApiOkResponse({ type: EnrolmentDto })
  async enrol(@CurrentSession() session: PortalSessionEntity) {
    const enrolment = await this.signIn.startEnrolment(session);
    return { ...enrolment, qr: await totpQr(enrolment.uri) };
  }

  @Post('auth/totp/confirm')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('enrol_totp', 'full')
  @ApiOkResponse({ type: EnrolmentConfirmedDto })
  async confirm(
    @Body() body: ConfirmEnrolmentDto,
    @CurrentSession() session: PortalSessionEntity,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.signIn.confirmEnrolment(session, body.code, body.currentCode, meta(req));
    setSessionCookie(res, this.sessions, result);
    return { next: result.next, recoveryCodes: result.recoveryCodes, csrfToken: result.session.csrfToken };
  }

  /**
   * Signs out of the portal and, through back-channel logout, of every library opened from it.
   * After an OIDC sign-in, `redirect` is the provider's end_session_endpoint, which the page
   * follows to end the session there too.
   */
  @Post('auth/logout')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('password', 'enrol_totp', 'full')
  @ApiOkResponse({ type: SignedOutDto })
  async logout(@CurrentSession() session: PortalSessionEntity, @Res({ passthrough: true }) res: Response) {
    const redirect = await this.oidc.endSessionUrl(session);
    await this.sessions.end(session);
    clearSessionCookie(res, this.sessions);
    return redirect ? { signedOut: true, redirect } : { signedOut: true };
  }
}
