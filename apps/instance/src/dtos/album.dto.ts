import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class AlbumDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Assets in it that you may see' }) assetCount!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its cover when you may see it, else the newest asset in it that you may see',
  })
  coverId!: string | null;
  @ApiProperty({ enum: ['desc', 'asc'], description: 'Newest first or oldest first' })
  order!: 'desc' | 'asc';
}

export class FolderQueryDto {
  @ApiPropertyOptional({ description: 'Parent folder; the root when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  parent?: string;
}

export class FolderDto {
  @ApiProperty() path!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Assets in it, at any depth, that you may see' }) count!: number;
}

export class TagDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Assets with it that you may see' }) count!: number;
}
