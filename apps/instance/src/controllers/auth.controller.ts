import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { InstanceConfig } from '../config.js';
import { passesCsrf } from '../guards/session.guard.js';
import { AuthService, type AuthRedirect } from '../services/auth.service.js';
import { InstanceError } from '../common/errors.js';
import { SessionService } from '../services/session.service.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';
import { readCookie } from '../utils/cookies.js';

function redirect(res: Response, to: AuthRedirect): void {
  res.setHeader('Set-Cookie', to.cookies);
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, to.location);
}

/** The relying-party paths of docs/contracts.md §2, the same on every instance. */
@ApiExcludeController()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
  ) {}

  /** Starts a sign-in; `prompt=none` makes it silent, `return_to` is where the browser lands after. */
  @Get('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const silent = req.query.prompt === 'none';
    redirect(res, await this.auth.startLogin(req.query.return_to, silent));
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The public URL, not the Host header: the redirect URI the portal matched is the registered one.
    const url = new URL(req.originalUrl, this.config.publicUrl);
    const cookies = req.headers.cookie;
    redirect(
      res,
      await this.auth.finishLogin(
        url,
        readCookie(cookies, this.auth.loginCookieName),
        readCookie(cookies, this.sessions.cookieName),
      ),
    );
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const cookie = readCookie(req.headers.cookie, this.sessions.cookieName);
    const lookup = await this.sessions.lookup(cookie);
    const session = lookup.status === 'active' ? lookup.session : undefined;
    const token = (req.body as Record<string, unknown> | undefined)?.csrf;
    const tokenOk = session !== undefined && this.sessions.csrfMatches(session, token);
    if (!tokenOk && !passesCsrf(req, this.config.publicUrl, session, this.sessions)) {
      throw new InstanceError('ERR_CSRF', 'cross-site request refused', 403);
    }
    redirect(res, await this.auth.logout(cookie));
  }

  /** OIDC Back-Channel Logout 1.0: 200 when the token checks out, 400 with an OAuth error otherwise. */
  @Post('backchannel-logout')
  @HttpCode(200)
  async backchannelLogout(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    try {
      await this.auth.backchannelLogout((req.body as Record<string, unknown> | undefined)?.logout_token);
      res.status(200).end();
    } catch (error) {
      if (!(error instanceof InstanceError) || error.code !== 'ERR_LOGOUT_TOKEN') throw error;
      res.status(400).json({ error: 'invalid_request', error_description: error.message });
    }
  }
}
