import { Body, Controller, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Viewer } from '@atrium/policy';
import { EditAssetsDto, EditResultDto } from '../dtos/edit.dto.js';
import { Authenticated, CurrentViewer } from '../guards/session.guard.js';
import { AssetEditService } from '../services/asset-edit.service.js';

/** Title, caption, tags, taken-at, favorite, private and archived: one asset or many, with undo. */
@ApiTags('assets')
@Controller('api')
export class EditController {
  constructor(private readonly edits: AssetEditService) {}

  @Patch('assets')
  @Authenticated('asset.edit')
  @ApiOkResponse({ type: EditResultDto })
  edit(@CurrentViewer() viewer: Viewer, @Body() body: EditAssetsDto): Promise<EditResultDto> {
    return this.edits.edit(viewer, body.ids, body.changes);
  }

  @Post('edits/:id/undo')
  @HttpCode(204)
  @Authenticated('asset.edit')
  undo(@CurrentViewer() viewer: Viewer, @Param('id') id: string): Promise<void> {
    return this.edits.undo(viewer, id);
  }
}
