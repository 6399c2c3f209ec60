import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NoNulBytes } from '@atrium/server';

/** The most assets one request may name (an edit, a move to the trash, an album's additions). */
export const MAX_IDS = 5000;

export class AssetIdsDto {
  @ApiProperty({ type: [String], maxItems: MAX_IDS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IDS)
  @IsUUID('all', { each: true })
  ids!: string[];
}

export class AssetChangesDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(500)
  @NoNulBytes()
  title?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(5000)
  @NoNulBytes()
  caption?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() favorite?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() archived?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'ISO 8601 with an offset (2024-06-01T14:30:00+02:00); null puts the asset at its file time',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  takenAt?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'IANA time zone, e.g. Europe/Paris' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(64)
  timeZone?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  @Matches(/^[^\0]*$/, { each: true, message: 'tags may not contain a NUL byte' })
  addTags?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(/^[^\0]*$/, { each: true, message: 'tags may not contain a NUL byte' })
  removeTags?: string[];
}

export class EditAssetsDto extends AssetIdsDto {
  @ApiProperty({ type: AssetChangesDto })
  @ValidateNested()
  @Type(() => AssetChangesDto)
  changes!: AssetChangesDto;
}

export class EditResultDto {
  @ApiProperty() updated!: number;
  @ApiProperty({ description: 'POST /api/edits/{undoId}/undo puts every asset back as it was' })
  undoId!: string;
}

export class CountDto {
  @ApiProperty() count!: number;
}
