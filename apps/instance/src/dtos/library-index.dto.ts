import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class StartIndexDto {
  @ApiPropertyOptional({
    description: 'Hash every file again and queue missing derivatives, not only new and changed files',
  })
  @IsOptional()
  @IsBoolean()
  rescan?: boolean;
}

export class IndexRunDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: string;
  @ApiProperty() rescan!: boolean;
  @ApiProperty({ enum: ['walking', 'reconciling', 'queueing', 'done'] }) phase!: string;
  @ApiProperty({
    description:
      'seen, hashed, bytesHashed, added, changed, moved, removed, restored, unchanged, skipped, tombstoned, refused, errors, jobsQueued',
  })
  counts!: Record<string, number>;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class IndexStatusDto {
  @ApiProperty({ type: IndexRunDto, nullable: true }) run!: IndexRunDto | null;
  @ApiProperty({
    description: 'Job counts per media queue (waiting, active, delayed, failed); null while Redis is down',
    nullable: true,
    type: Object,
  })
  queues!: Record<string, Record<string, number>> | null;
  @ApiProperty({ description: 'assets, withThumbnail, withMetadata, failed, missing, trashed' })
  library!: Record<string, number>;
}
