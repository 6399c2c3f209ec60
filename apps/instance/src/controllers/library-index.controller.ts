import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { IndexRunDto, IndexStatusDto, StartIndexDto } from '../dtos/library-index.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { LibraryIndexService, type IndexRun } from '../services/library-index.service.js';

function runDto(run: IndexRun): IndexRunDto {
  return {
    id: run.id,
    status: run.status,
    rescan: run.rescan,
    phase: run.phase,
    counts: { ...run.counts },
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** Indexing the originals: progress for everyone who may start it (admin, manager, user). */
@ApiTags('index')
@Controller('api/index')
export class LibraryIndexController {
  constructor(private readonly index: LibraryIndexService) {}

  @Get()
  @Authenticated('library.index')
  @ApiOkResponse({ type: IndexStatusDto })
  async status(): Promise<IndexStatusDto> {
    const status = await this.index.status();
    return {
      run: status.run ? runDto(status.run) : null,
      queues: status.queues,
      library: { ...status.library },
    };
  }

  @Post()
  @HttpCode(202)
  @Authenticated('library.index')
  @ApiAcceptedResponse({ type: IndexRunDto })
  async start(@Body() body: StartIndexDto, @CurrentViewer() viewer: Viewer): Promise<IndexRunDto> {
    return runDto(await this.index.start({ rescan: body.rescan === true, requestedBy: viewer.id }));
  }
}
