import { Controller, Get, UseGuards } from '@nestjs/common';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { CurrentSession, PortalSessionGuard } from '../guards/portal-session.guard.js';
import { AdmissionService } from '../services/admission.service.js';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InstancesDto } from '../dtos/answers.dto.js';

/** The instance chooser after sign-in: the libraries this account may open. */
@ApiTags('instances')
@Controller('api/instances')
@UseGuards(PortalSessionGuard)
export class InstancesController {
  constructor(private readonly admission: AdmissionService) {}

  @Get()
  @ApiOkResponse({ type: InstancesDto })
  async list(@CurrentSession() session: PortalSessionEntity) {
    const openable = await this.admission.openable(session.accountId);
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
