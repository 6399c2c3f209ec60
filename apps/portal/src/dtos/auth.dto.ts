import { IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';

export class PasswordStepDto {
  @IsString()
  @Length(1, 64)
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

export class SetupDto {
  @IsString()
  @Length(1, 64)
  username!: string;

  @IsString()
  @Length(1, 4096)
  password!: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
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
