import { Controller, Get, UseGuards } from '@nestjs/common';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { CurrentSession, PortalSessionGuard } from '../guards/portal-session.guard.js';
import { AccessService } from '../services/access.service.js';

/** The instance chooser after sign-in: the libraries this account may open. */
@Controller('api/instances')
@UseGuards(PortalSessionGuard)
export class InstancesController {
  constructor(private readonly access: AccessService) {}

  @Get()
  async list(@CurrentSession() session: PortalSessionEntity) {
    const openable = await this.access.openable(session.accountId);
    return {
      instances: openable.map(({ node, role }) => ({
        name: node.name,
        url: node.url,
        role,
        launchUrl: `${node.url}/auth/login`,
      })),
    };
  }
}
