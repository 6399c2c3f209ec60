import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
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
import { AssetIdsDto } from './edit.dto.js';

export class CreateAlbumDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulBytes()
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(5000)
  @NoNulBytes()
  description?: string | null;
}

export class UpdateAlbumDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NoNulBytes()
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(5000)
  @NoNulBytes()
  description?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'An asset of the album; null for the newest',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  coverId?: string | null;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], description: 'Newest first (desc) or oldest first (asc)' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';
}

export class PolicyDto {
  @ApiProperty({ description: 'Every signed-in person of this library' })
  @IsBoolean()
  everyone!: boolean;

  @ApiProperty({ type: [String], description: "Account ids (the portal's sub)" })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  @Matches(/^[^\0]*$/, { each: true, message: 'users may not contain a NUL byte' })
  users!: string[];

  @ApiProperty({ type: [String], description: 'Group names as the portal issues them' })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(500, { each: true })
  @Matches(/^[^\0]*$/, { each: true, message: 'groups may not contain a NUL byte' })
  groups!: string[];
}

export class SetPolicyDto {
  @ApiProperty({ type: PolicyDto, nullable: true, description: 'null: no policy of its own' })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => PolicyDto)
  policy!: PolicyDto | null;
}

export class SetAssetPolicyDto extends AssetIdsDto {
  @ApiProperty({
    type: PolicyDto,
    nullable: true,
    description: 'The photos’ own policy, replacing what their albums give; null: inherit again',
  })
  @ValidateIf((_, v) => v !== null)
  @ValidateNested()
  @Type(() => PolicyDto)
  policy!: PolicyDto | null;
}

export class PolicyAnswerDto {
  @ApiProperty({ type: PolicyDto, nullable: true }) policy!: PolicyDto | null;
}

export class DirectoryQueryDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulBytes()
  q?: string;
}

export class DirectoryUserDto {
  @ApiProperty() sub!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
}

export class DirectoryGroupDto {
  @ApiProperty() name!: string;
}

export class DirectoryDto {
  @ApiProperty({ type: [DirectoryUserDto] }) users!: DirectoryUserDto[];
  @ApiProperty({ type: [DirectoryGroupDto] }) groups!: DirectoryGroupDto[];
}
