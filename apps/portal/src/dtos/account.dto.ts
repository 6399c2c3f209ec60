import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

/** A token of a mailed link (`/invite/<token>`, `/reset/<token>`). */
export class LinkTokenParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,200}$/, { message: 'token is not a link token' })
  token!: string;
}

export class EmailDto {
  @IsString()
  @Length(1, 254)
  @NoNulBytes()
  email!: string;
}

/** Accepting an invitation or registration: the username and password the person chooses. */
export class AcceptInvitationDto {
  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  username!: string;

  @IsString()
  @Length(1, 4096)
  password!: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  @NoNulBytes()
  name?: string;
}

export class NewPasswordDto {
  @IsString()
  @Length(1, 4096)
  password!: string;
}

export class ChangePasswordDto {
  @IsString()
  @Length(1, 4096)
  currentPassword!: string;

  @IsString()
  @Length(1, 4096)
  newPassword!: string;
}

export class SessionRefParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'ref is not a session reference' })
  ref!: string;
}

export class AppPasswordIdParams {
  @IsUUID()
  id!: string;
}

export class CreateAppPasswordDto {
  @IsString()
  @Length(1, 200)
  @NoNulBytes()
  name!: string;

  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  node!: string;

  /** Days until it expires: 90 unless given. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  expiresInDays?: number;
}
