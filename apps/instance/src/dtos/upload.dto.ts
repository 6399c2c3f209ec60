import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Asks, before a transfer, whether some content is already in the library and where it may go. */
export class UploadCheckDto {
  @ApiProperty({ description: 'SHA-256 of the file, 64 hexadecimal digits' })
  @IsString()
  @MaxLength(64)
  sha256!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  fileName!: string;

  @ApiPropertyOptional({ description: 'Folder relative to the originals; your upload path by default' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  folder?: string;
}

export class UploadCheckAnswerDto {
  @ApiProperty({ description: 'Where the file would go' })
  folder!: string;

  @ApiProperty({ description: 'The name it would be given (a free one is chosen when it is taken)' })
  fileName!: string;
}

export class UploadOutcomeDto {
  @ApiProperty({ enum: ['stored', 'duplicate'] })
  status!: 'stored' | 'duplicate';

  @ApiProperty({ type: String, nullable: true })
  assetId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  path!: string | null;

  @ApiProperty()
  contentHash!: string;

  @ApiPropertyOptional()
  fileName?: string;
}

export class MultipartAnswerDto {
  @ApiProperty({ type: [UploadOutcomeDto] })
  files!: UploadOutcomeDto[];
}
