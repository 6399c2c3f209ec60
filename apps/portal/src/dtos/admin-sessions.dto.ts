import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';
import type { AdminAuditEntity, LoginAuditEntity } from '../entities/audit.entity.js';
import type { SessionListRow } from '../repositories/session.repository.js';
import { PageQuery } from './admin-users.dto.js';

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'In the username, address or session handle' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulBytes()
  q?: string;
}

export class AuditQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) @NoNulBytes() q?: string;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: older entries' })
  @IsOptional()
  @Matches(/^[0-9]{1,18}$/)
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class SignInAuditQuery extends AuditQuery {
  @ApiPropertyOptional({ description: 'success, partial or failure' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  result?: string;

  @ApiPropertyOptional({ description: 'A stable reason code (docs/identity.md lists them)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reason?: string;

  @ApiPropertyOptional({ description: 'password, totp, oidc, ldap, …' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  method?: string;
}

export class MeDto {
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Send as X-CSRF-Token with every change' }) csrfToken!: string;
}

export class SessionDto {
  @ApiProperty({ description: 'A public handle, never the cookie value' }) ref!: string;
  @ApiProperty() username!: string;
  @ApiProperty() stage!: string;
  @ApiProperty({ type: [String] }) amr!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ description: 'This is the session making the request' }) current!: boolean;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
  @ApiProperty() offset!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() more!: boolean;
}

export class AdminAuditDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() action!: string;
  @ApiProperty() target!: string;
  @ApiProperty({ type: Object }) details!: Record<string, unknown>;
}

export class LoginAuditDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty({ type: String, nullable: true, description: 'OIDC provider id, ldap, or a node' }) provider!:
    string | null;
  @ApiProperty({ enum: ['success', 'partial', 'failure'] }) result!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The stable reason code (always set on a failure)',
  })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
}

export class AdminAuditPageDto {
  @ApiProperty({ type: [AdminAuditDto] }) items!: AdminAuditDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for older entries' }) next!:
    string | null;
}

export class LoginAuditPageDto {
  @ApiProperty({ type: [LoginAuditDto] }) items!: LoginAuditDto[];
  @ApiProperty({ type: String, nullable: true }) next!: string | null;
}

export function sessionView(s: SessionListRow, currentRef: string): SessionDto {
  return {
    ref: s.ref,
    username: s.username,
    stage: s.stage,
    amr: s.amr,
    createdAt: new Date(s.createdAt).toISOString(),
    lastSeenAt: new Date(s.lastSeenAt).toISOString(),
    expiresAt: new Date(s.expiresAt).toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.ref === currentRef,
  };
}

export function adminAuditView(e: AdminAuditEntity): AdminAuditDto {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    details: e.details,
  };
}

export function loginAuditView(e: LoginAuditEntity): LoginAuditDto {
  return {
    id: e.id,
    at: e.at.toISOString(),
    username: e.username,
    ip: e.ip,
    method: e.method,
    provider: e.provider,
    result: e.result,
    reason: e.reason,
    userAgent: e.userAgent,
  };
}
