import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PERMISSION_NAMES, hasPermission } from '@atrium/policy';
import { SessionDto } from '../dtos/session.dto.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { Authenticated, CurrentSession } from '../guards/session.guard.js';

/** Who is signed in, with what role, and the CSRF token the UI sends on state-changing requests. */
@ApiTags('session')
@Controller('api/session')
export class SessionController {
  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SessionDto })
  show(@CurrentSession() session: SessionEntity): SessionDto {
    return {
      userId: session.userId,
      role: session.role,
      groups: session.groups,
      basePath: session.basePath,
      uploadPath: session.uploadPath,
      webdav: session.webdav,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      permissions: PERMISSION_NAMES.filter((p) => hasPermission(session.role, p)),
    };
  }
}
