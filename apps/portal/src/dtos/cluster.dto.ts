import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class JoinDto {
  @IsString()
  @Length(1, 200)
  @ApiProperty()
  token!: string;
}

export class AppPasswordDto {
  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  @ApiProperty()
  username!: string;

  @IsString()
  @Length(1, 4096)
  @ApiProperty()
  password!: string;
}

export class DirectoryQuery {
  @IsOptional()
  @IsString()
  @Length(0, 100)
  @NoNulBytes()
  @ApiPropertyOptional()
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @ApiPropertyOptional()
  limit?: number;
}
