import { IsEmail, IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { storable } from '../services/validation.js';

/** Text that reaches Postgres, which holds no NUL byte: one is bad input (400), not a server error. */
export const NoNulBytes = () =>
  ValidateBy({
    name: 'noNulBytes',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || storable(value),
      defaultMessage: () => '$property may not contain a NUL byte',
    },
  });

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
