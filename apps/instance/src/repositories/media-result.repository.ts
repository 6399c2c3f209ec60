import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from './sql.js';
import {
  derivativeRelPath,
  type DerivativeKind,
  type MediaJobResult,
  type MediaMetadata,
} from '@atrium/media';

// Only the paths docs/contracts.md §5 names are kept: a result cannot point the instance at another file.
function checkedOutputs(
  contentHash: string,
  outputs: Readonly<Partial<Record<DerivativeKind, string>>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [kind, path] of Object.entries(outputs) as Array<[DerivativeKind, string]>) {
    const allowed = [
      derivativeRelPath(contentHash, kind, 'jpeg'),
      derivativeRelPath(contentHash, kind, 'webp'),
    ];
    if (allowed.includes(path)) kept[kind] = path;
  }
  return kept;
}

// A result that replaces a derivative on record (a rebuild) moves the asset's media URLs to a new
// `?v=` (docs/contracts.md §5), so a browser's copy kept for good is not shown; a first one does not.
const BUMP_REVISION = `derivatives_rev = derivatives_rev + (derivatives ?| ARRAY(SELECT jsonb_object_keys($3::jsonb)))::int`;

function validDate(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Writes what workers report on `results` into the assets table. A result for content the asset no
 * longer has (the file changed since) or for an asset that is gone touches nothing.
 */
@Injectable()
export class MediaResultRepository {
  constructor(private readonly db: DataSource) {}

  /** Applies one result; false when it no longer matched an asset. */
  async apply(result: MediaJobResult, now: Date): Promise<boolean> {
    if (!isUuid(result.assetId)) return false;
    if (result.status === 'failed')
      return this.update(
        result,
        `failures = failures || jsonb_build_object($3::text, $4::text)`,
        [result.queue, result.reason],
        now,
      );
    switch (result.queue) {
      case 'metadata':
        return result.metadata ? this.metadata(result, result.metadata, now) : false;
      case 'thumbnails':
        return this.update(
          result,
          `${BUMP_REVISION}, derivatives = derivatives || $3::jsonb, placeholder = COALESCE($4, placeholder),
           width = COALESCE(width, $5), height = COALESCE(height, $6), failures = failures - 'thumbnails'`,
          [
            checkedOutputs(result.contentHash, result.outputs),
            result.placeholder,
            result.width,
            result.height,
          ],
          now,
        );
      case 'video':
        return this.update(
          result,
          `${BUMP_REVISION}, derivatives = derivatives || $3::jsonb, playback = $4, duration_ms = COALESCE($5, duration_ms), failures = failures - 'video'`,
          [checkedOutputs(result.contentHash, result.outputs), result.playback, result.durationMs],
          now,
        );
    }
  }

  private metadata(result: MediaJobResult, m: MediaMetadata, now: Date): Promise<boolean> {
    const takenAt = validDate(m.takenAt);
    return this.update(
      result,
      `metadata = $3, taken_at = $4, sort_at = COALESCE($4, mtime), time_zone = $5, width = $6, height = $7,
       duration_ms = $8, make = $9, model = $10, latitude = $11, longitude = $12, failures = failures - 'metadata'`,
      [
        m,
        takenAt,
        m.timeZone,
        m.width,
        m.height,
        m.durationMs,
        m.make,
        m.model,
        m.gps?.latitude ?? null,
        m.gps?.longitude ?? null,
      ],
      now,
    );
  }

  /**
   * Forgets derivatives whose files are gone from CACHE_PATH (a cleared cache), so that the asset
   * shows as pending until the worker has made them again; false when the content changed meanwhile.
   */
  async forgetDerivatives(
    assetId: string,
    contentHash: string,
    kinds: readonly DerivativeKind[],
  ): Promise<boolean> {
    const [, count] = (await this.db.query(
      `UPDATE assets SET derivatives = derivatives - $3::text[], derivatives_rev = derivatives_rev + 1 WHERE id = $1 AND content_hash = $2 AND derivatives ?| $3::text[]`,
      [assetId, contentHash, kinds],
    )) as [unknown, number];
    return count === 1;
  }

  /** True while some asset's derivatives name this file (duplicates of one content share a folder). */
  async derivativeInUse(contentHash: string, kind: DerivativeKind, path: string): Promise<boolean> {
    const rows = (await this.db.query(
      'SELECT 1 FROM assets WHERE content_hash = $1 AND derivatives ->> $2 = $3 LIMIT 1',
      [contentHash, kind, path],
    )) as unknown[];
    return rows.length > 0;
  }

  private async update(result: MediaJobResult, set: string, values: unknown[], now: Date): Promise<boolean> {
    const [, count] = (await this.db.query(
      `UPDATE assets SET ${set}, updated_at = $${values.length + 3} WHERE id = $1 AND content_hash = $2`,
      [result.assetId, result.contentHash, ...values, now],
    )) as [unknown, number];
    return count === 1;
  }
}
