import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class TimelineQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only assets of this album' })
  @IsOptional()
  @IsUUID()
  album?: string;

  @ApiPropertyOptional({ description: 'Only assets directly in this folder (relative to the originals)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  folder?: string;

  @ApiPropertyOptional({ enum: ['image', 'video'] })
  @IsOptional()
  @IsIn(['image', 'video'])
  type?: 'image' | 'video';

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  favorite?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Only assets with this tag' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulBytes()
  tag?: string;

  @ApiPropertyOptional({ description: 'Taken at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Taken before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Text in the file name, title or path' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulBytes()
  q?: string;
}

export class AssetSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['image', 'video'] }) type!: string;
  @ApiProperty() mime!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) takenAt!: string | null;
  @ApiProperty({ format: 'date-time', description: 'Taken at, else the file time: the timeline order' })
  sortAt!: string;
  @ApiProperty({ type: Number, nullable: true }) width!: number | null;
  @ApiProperty({ type: Number, nullable: true }) height!: number | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty() favorite!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'ThumbHash (base64) to show until the thumbnail loads',
  })
  placeholder!: string | null;
  @ApiProperty({ description: 'The thumbnail exists; until then the thumbnail URL answers a placeholder' })
  thumbnailReady!: boolean;
  @ApiProperty({ description: 'Append as ?v= to media URLs: they may then be cached for good' })
  version!: string;
}

export class TimelinePageDto {
  @ApiProperty({ type: [AssetSummaryDto] }) items!: AssetSummaryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor!: string | null;
}

export class MonthDto {
  @ApiProperty({ example: '2024-06', description: 'A month (UTC) with something in it' }) month!: string;
  @ApiProperty({ description: 'How many you may see there, counted up to 100 (100 means 100 or more)' })
  count!: number;
}

export class AlbumRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
}

export class AssetDetailDto extends AssetSummaryDto {
  @ApiProperty() path!: string;
  @ApiProperty() folder!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, nullable: true }) caption!: string | null;
  @ApiProperty({ type: String, nullable: true }) timeZone!: string | null;
  @ApiProperty({ type: String, nullable: true }) make!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty() private!: boolean;
  @ApiProperty() archived!: boolean;
  @ApiProperty({ type: [AlbumRefDto], description: 'Albums holding it that you may see' })
  albums!: AlbumRefDto[];
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ description: 'Which derivatives exist: thumbnail, preview, poster, video' }) ready!: Record<
    string,
    boolean
  >;
  @ApiProperty({ type: String, nullable: true, enum: ['original', 'remux', 'transcode'] }) playback!:
    string | null;
  @ApiProperty({ description: 'Failure reason per queue, when a job failed for good' }) failures!: Record<
    string,
    string
  >;
  @ApiProperty({ description: 'You may download the original' }) canDownload!: boolean;
}
