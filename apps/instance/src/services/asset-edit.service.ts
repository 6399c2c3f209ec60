import { Injectable } from '@nestjs/common';
import type { Viewer } from '@atrium/policy';
import type { AssetChangesDto, EditResultDto } from '../dtos/edit.dto.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { AssetEditRepository, type AssetChanges } from '../repositories/asset-edit.repository.js';
import { isUuid } from '../repositories/sql.js';
import { Clock } from '../common/clock.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function tagNames(names: string[] | undefined): string[] | undefined {
  if (!names) return undefined;
  const clean = [...new Set(names.map((n) => n.trim()))];
  if (clean.some((n) => n === '')) throw new InstanceError('ERR_EDIT_INVALID', 'a tag needs a name', 400);
  return clean;
}

/** The DTO's changes as the repository takes them, refusing what Postgres or people could not read. */
export function changesOf(dto: AssetChangesDto): AssetChanges {
  const changes: AssetChanges = {};
  for (const key of ['title', 'caption', 'favorite', 'private', 'archived'] as const)
    if (dto[key] !== undefined) (changes as Record<string, unknown>)[key] = dto[key];
  if (dto.takenAt !== undefined) {
    if (dto.takenAt !== null && !/(Z|[+-]\d\d:?\d\d)$/i.test(dto.takenAt))
      throw new InstanceError(
        'ERR_EDIT_INVALID',
        'takenAt: give the offset, e.g. 2024-06-01T14:30:00+02:00',
        400,
      );
    const at = dto.takenAt === null ? null : new Date(dto.takenAt);
    if (at && Number.isNaN(at.getTime()))
      throw new InstanceError('ERR_EDIT_INVALID', 'takenAt: write it as 2024-06-01T14:30:00+02:00', 400);
    changes.takenAt = at;
  }
  if (dto.timeZone !== undefined) {
    if (dto.timeZone !== null && !validTimeZone(dto.timeZone))
      throw new InstanceError('ERR_EDIT_INVALID', `timeZone: ${dto.timeZone} is not an IANA time zone`, 400);
    changes.timeZone = dto.timeZone;
  }
  const addTags = tagNames(dto.addTags);
  const removeTags = tagNames(dto.removeTags);
  if (addTags?.length) changes.addTags = addTags;
  if (removeTags?.length) changes.removeTags = removeTags;
  if (!Object.keys(changes).length) throw new InstanceError('ERR_EDIT_INVALID', 'nothing to change', 400);
  return changes;
}

/**
 * Edits of titles, captions, tags, dates and flags, one asset or thousands at once. All or
 * nothing: if any asset named may not be edited by the viewer, nothing changes and the answer is the
 * same 404 as for an asset that does not exist.
 */
@Injectable()
export class AssetEditService {
  constructor(
    private readonly access: AccessRepository,
    private readonly edits: AssetEditRepository,
    private readonly clock: Clock,
  ) {}

  async edit(viewer: Viewer, ids: string[], dto: AssetChangesDto): Promise<EditResultDto> {
    const changes = changesOf(dto);
    const wanted = [...new Set(ids)];
    const allowed = await this.access.editableAssets(viewer, wanted);
    if (allowed.size !== wanted.length) throw notFoundOrNoAccess('asset');
    const undoId = await this.edits.edit(viewer.id!, wanted, changes, this.clock.now());
    return { updated: wanted.length, undoId };
  }

  /** Undoes an edit the viewer made; the assets must still be editable by the viewer. */
  async undo(viewer: Viewer, undoId: string): Promise<void> {
    if (!isUuid(undoId) || !(await this.edits.undo(viewer.id!, undoId, this.clock.now())))
      throw notFoundOrNoAccess('edit');
  }
}
