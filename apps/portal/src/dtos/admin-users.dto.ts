import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { NoNulBytes, storable } from '@atrium/server';
import { PortalError } from '../common/errors.js';
import { AUTH_PROVIDERS, type AccountEntity } from '../entities/account.entity.js';

/** No NUL byte (Postgres text cannot hold one), for each string of a list. */
export const NO_NUL = /^[^\0]*$/;

/** `?offset=&limit=` of a numbered listing. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'In the username, name or email' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulBytes()
  q?: string;

  @ApiPropertyOptional({ description: 'Accounts in this group' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @NoNulBytes()
  group?: string;
}

/** Fields an admin sets on an account; the service validates each and answers with a stable code. */
class AccountFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) @NoNulBytes() name?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @NoNulBytes()
  email?: string | null;
  @ApiPropertyOptional({ description: 'Account role: what an empty grant inherits' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  role?: string;
  @ApiPropertyOptional({ enum: AUTH_PROVIDERS, description: 'How the account signs in' })
  @IsOptional()
  @IsIn(AUTH_PROVIDERS)
  authProvider?: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The subject at the provider or the LDAP entry UUID',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @NoNulBytes()
  authId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @NoNulBytes()
  basePath?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @NoNulBytes()
  uploadPath?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webdav?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() clusterAdmin?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() canLogin?: boolean;
}

export class CreateUserDto extends AccountFieldsDto {
  @ApiProperty() @IsString() @Length(1, 64) @NoNulBytes() username!: string;
  @ApiPropertyOptional({ description: 'A first local password; none for provider or LDAP accounts' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  password?: string;
  @ApiPropertyOptional({ type: [String], description: 'Groups kept on the portal' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  @Matches(NO_NUL, { each: true })
  groups?: string[];
}

export class UpdateUserDto extends AccountFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() disabled?: boolean;
  @ApiPropertyOptional({ description: 'Removes TOTP and recovery codes (a lost phone)' })
  @IsOptional()
  @IsBoolean()
  resetTotp?: boolean;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  @Matches(NO_NUL, { each: true })
  addGroups?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  @Matches(NO_NUL, { each: true })
  removeGroups?: string[];
}

export class UserDto {
  @ApiProperty({ description: 'The immutable sub every library sees' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ description: 'Account role' }) role!: string;
  @ApiProperty({ enum: AUTH_PROVIDERS }) authProvider!: string;
  @ApiProperty({ type: String, nullable: true }) authId!: string | null;
  @ApiProperty() clusterAdmin!: boolean;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() canLogin!: boolean;
  @ApiProperty() totp!: boolean;
  @ApiProperty() hasPassword!: boolean;
  @ApiProperty({ type: String, nullable: true }) basePath!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadPath!: string | null;
  @ApiProperty() webdav!: boolean;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() offset!: number;
  @ApiProperty() limit!: number;
}

export class EndedDto {
  @ApiProperty({ description: 'How many portal sessions were ended' }) ended!: number;
}

export class DoneDto {
  @ApiProperty() ok!: boolean;
}

/** What an admin screen may see of an account: never a hash, secret or recovery code. */
export function userView(account: AccountEntity, groups: string[]): UserDto {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    email: account.email,
    role: account.accountRole,
    authProvider: account.authProvider,
    authId: account.authId,
    clusterAdmin: account.clusterAdmin,
    disabled: account.disabled,
    canLogin: account.canLogin,
    totp: account.totpSecret !== null,
    hasPassword: account.passwordHash !== null,
    basePath: account.basePath,
    uploadPath: account.uploadPath,
    webdav: account.webdav,
    groups,
    createdAt: account.createdAt.toISOString(),
  };
}

/** A path parameter (username, node name, key id, session handle): printable text of sane length. */
@Injectable()
export class TextParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || !storable(value))
      throw new PortalError('ERR_BAD_REQUEST', 'bad path parameter', 400);
    return value;
  }
}

/** `atrium users invite`: an address gets a single-use link to choose a username and password. */
export class InviteDto {
  @ApiProperty() @IsString() @Length(3, 254) @NoNulBytes() email!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) @NoNulBytes() name?: string;
  @ApiPropertyOptional({ description: 'Account role' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  role?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  @Matches(NO_NUL, { each: true })
  groups?: string[];
}

export class InvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'The portal mailed it (SMTP_URL is set)' }) mailed!: boolean;
  @ApiPropertyOptional({ description: 'Only when not mailed: the link to hand over some other way' })
  link?: string;
}
