import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class CreateShareLinkDto {
  @ApiPropertyOptional({ description: 'The album to share (or assetId)' })
  @IsOptional()
  @IsUUID()
  albumId?: string;

  @ApiPropertyOptional({ description: 'The photo or video to share (or albumId)' })
  @IsOptional()
  @IsUUID()
  assetId?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Stops working then; none: never',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ description: 'Asked before anything is shown (hashed with argon2id)' })
  @IsOptional()
  @IsString()
  @MinLength(4)
  @MaxLength(200)
  @NoNulBytes()
  password?: string;

  @ApiPropertyOptional({ default: false, description: 'Holders may download originals' })
  @IsOptional()
  @IsBoolean()
  allowDownload?: boolean;
}

export class ShareLinkDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['album', 'asset'] }) kind!: 'album' | 'asset';
  @ApiProperty() targetId!: string;
  @ApiProperty({ description: "The album's title or the file's name" }) targetName!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: String, nullable: true }) createdByName!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty() hasPassword!: boolean;
  @ApiProperty() allowDownload!: boolean;
  @ApiProperty({ description: 'How often it was opened' }) openCount!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastOpenedAt!: string | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: 'active' | 'expired' | 'revoked';
}

export class CreatedShareLinkDto extends ShareLinkDto {
  @ApiProperty({ description: 'The link to hand out; shown once, only its digest is kept' }) url!: string;
}

export class UnlockDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulBytes()
  password!: string;
}

export class ShareInfoDto {
  @ApiProperty({ enum: ['album', 'asset'] }) kind!: 'album' | 'asset';
  @ApiProperty({ description: "The album's title or the file's name" }) title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) albumId!: string | null;
  @ApiProperty({ type: String, nullable: true }) assetId!: string | null;
  @ApiProperty() allowDownload!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: string | null;
}

export class SharePageQueryDto {
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

  @ApiPropertyOptional({ description: 'Taken before (ISO 8601): where the scrubber jumps' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
