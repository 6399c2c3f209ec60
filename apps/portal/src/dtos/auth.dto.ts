import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class PasswordStepDto {
  @IsString()
  @Length(1, 64)
  @NoNulBytes()
  username!: string;

  @IsString()
  @Length(1, 4096)
  password!: string;
}

export class CodeDto {
  @IsString()
  @Length(1, 64)
  code!: string;
}

/** A first code from the new authenticator; replacing an enrolled one also takes a code from it (or a recovery code). */
export class ConfirmEnrolmentDto extends CodeDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  currentCode?: string;
}

export class SetupDto {
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

  @IsOptional()
  @IsEmail()
  email?: string;
}

export class SetupTokenParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,200}$/)
  token!: string;
}
