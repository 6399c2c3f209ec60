import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_IDS } from './edit.dto.js';

export class TrashQueryDto {
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
}

export class EmptyTrashDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these; without, everything you may empty' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IDS)
  @IsUUID('all', { each: true })
  ids?: string[];
}

export class TrashedAssetDto {
  @ApiProperty() id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ enum: ['image', 'video'] }) type!: string;
  @ApiProperty({ type: Number, nullable: true }) width!: number | null;
  @ApiProperty({ type: Number, nullable: true }) height!: number | null;
  @ApiProperty({ type: String, nullable: true }) placeholder!: string | null;
  @ApiProperty() thumbnailReady!: boolean;
  @ApiProperty() version!: string;
  @ApiProperty({ format: 'date-time' }) deletedAt!: string;
}

export class TrashPageDto {
  @ApiProperty({ type: [TrashedAssetDto] }) items!: TrashedAssetDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class EmptyResultDto {
  @ApiProperty({ description: 'Assets removed for good (each leaves a tombstone)' }) count!: number;
  @ApiProperty({ description: 'Originals removed from disk' }) filesRemoved!: number;
  @ApiProperty({ description: 'More are left: ask again' }) remaining!: boolean;
}

export class TrashSettingsDto {
  @ApiProperty({
    description: 'Emptying the trash also removes originals outside upload paths (off by default)',
  })
  @IsBoolean()
  deleteOriginals!: boolean;
}
