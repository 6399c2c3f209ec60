import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class JoinDto {
  @IsString()
  @Length(1, 200)
  token!: string;
}

export class AppPasswordDto {
  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  username!: string;

  @IsString()
  @Length(1, 4096)
  password!: string;
}

export class DirectoryQuery {
  @IsOptional()
  @IsString()
  @Length(0, 100)
  @NoNulBytes()
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
