import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AdminSessionDto,
  EndedDto,
  JobsDto,
  LibrarySettingsChangeDto,
  LibrarySettingsDto,
  PersonDto,
  RebuildDerivativesDto,
  RebuildRunDto,
  RebuildStatusDto,
  RetryDto,
  StorageDto,
} from '../dtos/admin.dto.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { Authenticated, CurrentSession } from '../guards/session.guard.js';
import { AdminService } from '../services/admin.service.js';
import { DerivativeRebuildService } from '../services/derivative-rebuild.service.js';

/**
 * The library administration pages (docs/architecture.md, roles): admins see everything; managers
 * see the people and their sessions and end sessions; settings, jobs and storage are the admin's.
 */
@ApiTags('admin')
@Controller('api/admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly rebuilds: DerivativeRebuildService,
  ) {}

  @Get('people')
  @Authenticated('users.view')
  @ApiOkResponse({ type: [PersonDto] })
  async people(): Promise<PersonDto[]> {
    return (await this.admin.people()).map((p) => ({
      ...p,
      firstSeenAt: p.firstSeenAt.toISOString(),
      lastSignInAt: p.lastSignInAt.toISOString(),
    }));
  }

  @Get('people/:id/sessions')
  @Authenticated('users.view')
  @ApiOkResponse({ type: [AdminSessionDto] })
  async sessions(@Param('id') id: string, @CurrentSession() session: SessionEntity): Promise<AdminSessionDto[]> {
    return (await this.admin.sessionsOf(id)).map((s) => ({
      ...s,
      current: s.id === session.id,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }));
  }

  @Post('sessions/:id/end')
  @HttpCode(200)
  @Authenticated('sessions.end')
  @ApiOkResponse({ type: EndedDto })
  async endSession(@Param('id') id: string): Promise<EndedDto> {
    await this.admin.endSession(id);
    return { ended: true };
  }

  @Get('jobs')
  @Authenticated('settings.advanced')
  @ApiOkResponse({ type: JobsDto })
  async jobs(): Promise<JobsDto> {
    const [queues, failed] = await Promise.all([this.admin.depths(), this.admin.failed()]);
    return {
      queues,
      total: failed.total,
      failed: failed.items.map((a) => ({
        id: a.id,
        path: a.path,
        kinds: Object.keys(a.failures).sort(),
        reasons: a.failures,
      })),
    };
  }

  @Post('jobs/retry')
  @HttpCode(200)
  @Authenticated('settings.advanced')
  @ApiOkResponse({ type: RetryDto })
  retryAll(): Promise<RetryDto> {
    return this.admin.retryAll();
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @Authenticated('settings.advanced')
  @ApiOkResponse({ type: RetryDto })
  async retryOne(@Param('id') id: string): Promise<RetryDto> {
    return { assets: 1, jobs: await this.admin.retryOne(id) };
  }

  @Get('settings')
  @Authenticated('settings.library')
  @ApiOkResponse({ type: LibrarySettingsDto })
  settings(): Promise<LibrarySettingsDto> {
    return this.admin.settings();
  }

  @Patch('settings')
  @Authenticated('settings.library')
  @ApiOkResponse({ type: LibrarySettingsDto })
  saveSettings(@Body() body: LibrarySettingsChangeDto): Promise<LibrarySettingsDto> {
    return this.admin.saveSettings(body);
  }

  @Get('derivatives/rebuild')
  @Authenticated('settings.library')
  @ApiOkResponse({ type: RebuildStatusDto })
  async rebuildStatus(): Promise<RebuildStatusDto> {
    return { run: await this.rebuilds.latest() };
  }

  @Post('derivatives/rebuild')
  @HttpCode(202)
  @Authenticated('settings.library')
  @ApiAcceptedResponse({ type: RebuildRunDto })
  rebuild(@Body() body: RebuildDerivativesDto): Promise<RebuildRunDto> {
    return this.rebuilds.start({ video: body.video === true });
  }

  @Get('storage')
  @Authenticated('settings.advanced')
  @ApiOkResponse({ type: StorageDto })
  storage(): Promise<StorageDto> {
    return this.admin.storage();
  }
}
