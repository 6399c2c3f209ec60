import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

/** A token of a mailed link (`/invite/<token>`, `/reset/<token>`). */
export class LinkTokenParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,200}$/, { message: 'token is not a link token' })
  @ApiProperty()
  token!: string;
}

export class EmailDto {
  @IsString()
  @Length(1, 254)
  @NoNulBytes()
  @ApiProperty()
  email!: string;
}

/** Accepting an invitation or registration: the username and password the person chooses. */
export class AcceptInvitationDto {
  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  @ApiProperty()
  username!: string;

  @IsString()
  @Length(1, 4096)
  @ApiProperty()
  password!: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  @NoNulBytes()
  @ApiPropertyOptional()
  name?: string;
}

export class NewPasswordDto {
  @IsString()
  @Length(1, 4096)
  @ApiProperty()
  password!: string;
}

export class ChangePasswordDto {
  @IsString()
  @Length(1, 4096)
  @ApiProperty()
  currentPassword!: string;

  @IsString()
  @Length(1, 4096)
  @ApiProperty()
  newPassword!: string;
}

export class SessionRefParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'ref is not a session reference' })
  @ApiProperty()
  ref!: string;
}

export class AppPasswordIdParams {
  @IsUUID()
  @ApiProperty()
  id!: string;
}

export class CreateAppPasswordDto {
  @IsString()
  @Length(1, 200)
  @NoNulBytes()
  @ApiProperty()
  name!: string;

  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  @ApiProperty()
  node!: string;

  /** Days until it expires: 90 unless given. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  @ApiPropertyOptional()
  expiresInDays?: number;
}
