import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, ValidateIf } from 'class-validator';
import { X264_PRESETS } from '@atrium/media';

export class PersonDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ description: 'The role of their latest sign-in' }) role!: string;
  @ApiProperty({ format: 'date-time' }) firstSeenAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Their latest sign-in through the portal' })
  lastSignInAt!: string;
  @ApiProperty({ description: 'Sessions not yet expired' }) openSessions!: number;
}

export class AdminSessionDto {
  @ApiProperty({ description: "A digest of the cookie's secret: names the session, never signs in" })
  id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ description: 'The session asking' }) current!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class FailedJobDto {
  @ApiProperty({ description: 'The asset' }) id!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ type: [String], description: 'The queues that gave up: metadata, thumbnails, video' })
  kinds!: string[];
  @ApiProperty({ description: "Each queue's reason code, as the worker reported it" })
  reasons!: Record<string, string>;
}

export class JobsDto {
  @ApiProperty({
    description: 'Job counts per media queue (waiting, active, delayed, failed, prioritized); null while Redis is down',
    nullable: true,
    type: Object,
  })
  queues!: Record<string, Record<string, number>> | null;
  @ApiProperty({ description: 'Assets with a failed job in all' }) total!: number;
  @ApiProperty({ type: [FailedJobDto], description: 'The newest 500' }) failed!: FailedJobDto[];
}

export class RetryDto {
  @ApiProperty({ description: 'Assets retried' }) assets!: number;
  @ApiProperty({ description: 'Jobs queued' }) jobs!: number;
}

export class EndedDto {
  @ApiProperty() ended!: boolean;
}

export class DerivativeSettingsDto {
  @ApiProperty({ description: 'Shorter edge of the WebP thumbnail, px (32–1024)' }) thumbSize!: number;
  @ApiProperty({ description: 'WebP quality of the thumbnail (1–100)' }) thumbQuality!: number;
  @ApiProperty({ description: 'Shorter edge of the preview, px (256–4096; never enlarged)' }) previewSize!: number;
  @ApiProperty({ enum: ['jpeg', 'webp'] }) previewFormat!: 'jpeg' | 'webp';
  @ApiProperty({ description: 'Preview quality (1–100)' }) previewQuality!: number;
  @ApiProperty({ description: 'Shorter edge of a transcoded video, px (144–2160; never enlarged)' }) videoSize!: number;
  @ApiProperty({ description: 'x264 constant rate factor (0–51, lower is better)' }) videoCrf!: number;
  @ApiProperty({ enum: X264_PRESETS, description: 'x264 preset: slower makes smaller files for the same quality' })
  videoPreset!: string;
}

export class LibrarySettingsDto {
  @ApiProperty({ description: 'Emptying the trash also deletes originals outside upload paths' })
  deleteOriginals!: boolean;
  @ApiProperty({ description: 'WebDAV is on (ATRIUM_DISABLE_FEATURES switches it; read-only here)' })
  webdav!: boolean;
  @ApiProperty({ type: DerivativeSettingsDto, description: 'Sizes and qualities of derivatives in force' })
  derivatives!: DerivativeSettingsDto;
  @ApiProperty({ type: DerivativeSettingsDto, description: 'The defaults (Immich’s)' })
  derivativeDefaults!: DerivativeSettingsDto;
}

export class LibrarySettingsChangeDto {
  @ApiPropertyOptional({ description: 'Emptying the trash also deletes originals outside upload paths' })
  // Absent leaves it as it is; null is no boolean (IsOptional would let it through).
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  deleteOriginals?: boolean;

  @ApiPropertyOptional({
    type: DerivativeSettingsDto,
    nullable: true,
    description:
      'Fields to change (the others stay); null goes back to the defaults. Each field is checked with libs/media: ERR_SETTINGS_INVALID names the bad ones in details.fields',
  })
  // Checked field by field by the service with libs/media's rules, so the answer names each field.
  @Allow()
  derivatives?: unknown;
}

export class RebuildDerivativesDto {
  @ApiPropertyOptional({ description: 'Transcode videos again too (slow); default false' })
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  video?: boolean;
}

export class RebuildRunDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ description: 'Video transcodes are queued again too' }) video!: boolean;
  @ApiProperty({ description: 'Files with their original present when the run started' }) total!: number;
  @ApiProperty({ description: 'Files looked at so far' }) assets!: number;
  @ApiProperty({ description: 'Jobs queued with the current settings' }) queued!: number;
  @ApiProperty({ description: 'Jobs already waiting with the current settings, left as they were' }) waiting!: number;
  @ApiProperty({ description: 'Jobs running with older settings when their turn came: press again once they are done' })
  busy!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The stable code of what stopped a failed run' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Progress is saved at least every 5 s while it runs' })
  heartbeatAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class RebuildStatusDto {
  @ApiProperty({ type: RebuildRunDto, nullable: true, description: 'The latest run; null before the first' })
  run!: RebuildRunDto | null;
}

class UseDto {
  @ApiProperty() bytes!: number;
  @ApiProperty() files!: number;
}

class CacheUseDto extends UseDto {
  @ApiProperty({ description: 'False when the walk stopped at its bound (200,000 entries): a lower bound' })
  complete!: boolean;
}

export class StorageDto {
  @ApiProperty({ type: UseDto, description: 'Originals of the live library, as on record' }) originals!: UseDto;
  @ApiProperty({ type: CacheUseDto, description: 'Derivatives and temporary files under CACHE_PATH' })
  cache!: CacheUseDto;
}
