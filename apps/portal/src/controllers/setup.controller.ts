import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SetupDto, SetupTokenParams } from '../dtos/auth.dto.js';
import { SessionService } from '../services/session.service.js';
import { SetupService } from '../services/setup.service.js';
import { meta, setSessionCookie } from './session-cookie.js';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SignInStepDto, ValidDto } from '../dtos/answers.dto.js';

/** The first-admin link printed by `atrium start` (`/setup/<token>`). */
@ApiTags('setup')
@Controller('api/setup')
export class SetupController {
  constructor(
    private readonly setup: SetupService,
    private readonly sessions: SessionService,
  ) {}

  @Get(':token')
  @ApiOkResponse({ type: ValidDto })
  async check(@Param() params: SetupTokenParams) {
    return { valid: await this.setup.isValid(params.token) };
  }

  @Post(':token')
  @HttpCode(200)
  @ApiOkResponse({ type: SignInStepDto, description: 'Sets the session cookie' })
  async complete(
    @Param() params: SetupTokenParams,
    @Body() body: SetupDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const issued = await this.setup.complete(params.token, body, meta(req));
    setSessionCookie(res, this.sessions, issued);
    return { next: 'enrol_totp', csrfToken: issued.session.csrfToken };
  }
}
