import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PERMISSION_NAMES, hasPermission } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { SessionDto } from '../dtos/session.dto.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { Authenticated, CurrentSession } from '../guards/session.guard.js';
import { UserRepository } from '../repositories/user.repository.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

/** Who is signed in, with what role, and the CSRF token the UI sends on state-changing requests. */
@ApiTags('session')
@Controller('api/session')
export class SessionController {
  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly users: UserRepository,
  ) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SessionDto })
  async show(@CurrentSession() session: SessionEntity): Promise<SessionDto> {
    const user = await this.users.findById(session.userId);
    return {
      userId: session.userId,
      username: user?.username ?? session.userId,
      name: user?.name ?? null,
      library: this.config.nodeName,
      portalUrl: this.config.portalUrl,
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
