import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

/** Where the zips are served; its body parsers take a selection of {@link MAX_SELECTION} ids. */
export const DOWNLOADS_PATH = '/api/downloads';

/** At most this many ids in one selection to zip. */
export const MAX_SELECTION = 10_000;

/** A selection to zip: asset ids as JSON, or `ids` fields of a form post (the browser downloads the answer). */
export class DownloadSelectionDto {
  @ApiProperty({ type: [String] })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SELECTION)
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

/** What a zip would hold, asked before it is downloaded: the UI shows a refusal as a message, not a broken download. */
export class DownloadInfoDto {
  @ApiProperty({ description: 'The name the zip is saved under' })
  fileName!: string;

  @ApiProperty({ description: 'Files in the zip' })
  files!: number;

  @ApiProperty({ description: 'Of which originals' })
  originals!: number;

  @ApiProperty({ description: 'Of which previews (assets seen without the right to their original)' })
  previews!: number;
}

/** The summary of a planned zip, the body twin of the `X-Atrium-Zip` header. */
export function downloadInfoOf(plan: { fileName: string; originals: number; previews: number }): DownloadInfoDto {
  return { fileName: plan.fileName, files: plan.originals + plan.previews, originals: plan.originals, previews: plan.previews };
}
