import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class CommentQueryDto {
  @ApiPropertyOptional({ description: 'Comments on this album (or asset)' })
  @IsOptional()
  @IsUUID()
  album?: string;

  @ApiPropertyOptional({ description: 'Comments on this photo or video (or album)' })
  @IsOptional()
  @IsUUID()
  asset?: string;
}

export class CreateCommentDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() albumId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() assetId?: string;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  @NoNulBytes()
  body!: string;
}

export class EditCommentDto {
  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  @NoNulBytes()
  body!: string;
}

export class CommentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true }) albumId!: string | null;
  @ApiProperty({ type: String, nullable: true }) assetId!: string | null;
  @ApiProperty() authorId!: string;
  @ApiProperty({ type: String, nullable: true }) authorName!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) editedAt!: string | null;
  @ApiProperty({ description: 'You wrote it (and may edit it)' }) mine!: boolean;
  @ApiProperty({ description: 'You may delete it' }) canDelete!: boolean;
}
