import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoNulBytes } from '@atrium/server';

export class PasswordStepDto {
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

export class CodeDto {
  @IsString()
  @Length(1, 64)
  @ApiProperty()
  code!: string;
}

/** A first code from the new authenticator; replacing an enrolled one also takes a code from it (or a recovery code). */
export class ConfirmEnrolmentDto extends CodeDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @ApiPropertyOptional()
  currentCode?: string;
}

export class SetupDto {
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

  @IsOptional()
  @IsEmail()
  @ApiPropertyOptional()
  email?: string;
}

export class SetupTokenParams {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,200}$/)
  @ApiProperty()
  token!: string;
}
