import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SessionDto } from '../dtos/session.dto.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { Authenticated, CurrentSession } from '../guards/session.guard.js';
import { AuthService } from '../services/auth.service.js';

/** Who is signed in, with what role, and the CSRF token the UI sends on state-changing requests. */
@ApiTags('session')
@Controller('api/session')
export class SessionController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SessionDto })
  show(@CurrentSession() session: SessionEntity): Promise<SessionDto> {
    return this.auth.describe(session);
  }
}
