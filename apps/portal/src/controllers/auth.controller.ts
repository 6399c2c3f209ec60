import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { CodeDto, ConfirmEnrolmentDto, PasswordStepDto } from '../dtos/auth.dto.js';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { AllowStages, CurrentSession, PortalSessionGuard } from '../guards/portal-session.guard.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { SessionService, type IssuedSession } from '../services/session.service.js';
import { SignInService } from '../services/sign-in.service.js';

export const meta = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

/** Sets the session cookie: HttpOnly, SameSite=Lax, `__Host-` and Secure under https. */
export function setSessionCookie(res: Response, sessions: SessionService, issued: IssuedSession): void {
  const { name, options } = sessions.cookie();
  res.cookie(name, issued.token, { ...options, maxAge: issued.session.expiresAt.getTime() - Date.now() });
}

export function clearSessionCookie(res: Response, sessions: SessionService): void {
  const { name, options } = sessions.cookie();
  res.clearCookie(name, options);
}

/** The `otpauth://` URI as a QR code for authenticator apps: an SVG data URL (no script, no fetch). */
export async function totpQr(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** Local sign-in: password, then TOTP or a recovery code, TOTP enrolment, sign-out. */
@Controller('api')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    private readonly accounts: AccountRepository,
  ) {}

  /** Who is signed in, at which stage, and the CSRF token for state-changing requests. */
  @Get('session')
  async session(@Req() req: Request) {
    const session = await this.sessions.find(req.cookies?.[this.sessions.cookie().name]);
    const account = session ? await this.accounts.findById(session.accountId) : null;
    if (!session || !account) return { signedIn: false };
    return {
      signedIn: session.stage === 'full',
      stage: session.stage,
      username: account.username,
      name: account.name,
      clusterAdmin: account.clusterAdmin,
      csrfToken: session.csrfToken,
    };
  }

  @Post('auth/password')
  @HttpCode(200)
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
  async enrol(@CurrentSession() session: PortalSessionEntity) {
    const enrolment = await this.signIn.startEnrolment(session);
    return { ...enrolment, qr: await totpQr(enrolment.uri) };
  }

  @Post('auth/totp/confirm')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('enrol_totp', 'full')
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

  /** Signs out of the portal and, through back-channel logout, of every library opened from it. */
  @Post('auth/logout')
  @HttpCode(200)
  @UseGuards(PortalSessionGuard)
  @AllowStages('password', 'enrol_totp', 'full')
  async logout(@CurrentSession() session: PortalSessionEntity, @Res({ passthrough: true }) res: Response) {
    await this.sessions.end(session);
    clearSessionCookie(res, this.sessions);
    return { signedOut: true };
  }
}
