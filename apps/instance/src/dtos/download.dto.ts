import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

/** A selection to zip: asset ids as JSON, or `ids` fields of a form post (the browser downloads the answer). */
export class DownloadSelectionDto {
  @ApiProperty({ type: [String] })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  ids!: string[];

  @ApiPropertyOptional({ description: 'The CSRF token, for form posts' })
  @IsOptional()
  @IsString()
  csrf?: string;
}

export class DownloadFolderQueryDto {
  @ApiPropertyOptional({ description: 'Folder relative to the originals; the whole library when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  path?: string;
}
