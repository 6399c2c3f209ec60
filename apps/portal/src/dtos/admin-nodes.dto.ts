import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { NoNulBytes } from '@atrium/server';
import { NODE_ROLES, type NodeEntity } from '../entities/node.entity.js';
import type { KeyInfo } from '../services/key.service.js';
import { NO_NUL } from './admin-users.dto.js';

/** An Atrium instance (URIs follow from its URL), a generic relying party (explicit redirect URIs) or a service. */
export class AddNodeDto {
  @ApiProperty({ description: 'Lowercase letters, digits and dashes, starting with a letter' })
  @IsString()
  @Length(1, 63)
  @NoNulBytes()
  name!: string;

  @ApiProperty({ description: "The node's origin (an instance) or base URL" })
  @IsString()
  @Length(1, 2048)
  @NoNulBytes()
  url!: string;

  @ApiPropertyOptional({ enum: NODE_ROLES, default: 'instance' })
  @IsOptional()
  @IsIn(NODE_ROLES)
  role?: string;

  @ApiPropertyOptional({ type: [String], description: 'A generic relying party: its exact redirect URIs' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  @Matches(NO_NUL, { each: true })
  redirectUris?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  @Matches(NO_NUL, { each: true })
  postLogoutRedirectUris?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @NoNulBytes()
  backchannelLogoutUri?: string;

  @ApiPropertyOptional({ enum: ['EdDSA', 'RS256'], description: 'ID-token signing algorithm' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  alg?: string;
}

export class NodeDto {
  @ApiProperty() name!: string;
  @ApiProperty({
    enum: [...NODE_ROLES, 'relying_party'],
    description: 'instance, relying_party (generic OIDC client) or service',
  })
  kind!: string;
  @ApiProperty() url!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ description: 'Credentials were issued (joined, rotated or configured)' }) joined!: boolean;
  @ApiProperty({ type: [String] }) redirectUris!: string[];
  @ApiProperty() alg!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['ready', 'not_ready', 'unreachable'] })
  health!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When /readyz last answered',
  })
  lastSeenAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastCheckedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The version the node last reported' })
  version!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Until when the secret before the last rotation works',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NodeListDto {
  @ApiProperty({ type: [NodeDto] }) items!: NodeDto[];
}

/** A join token, shown once, with what to give the instance. */
export class JoinTokenDto {
  @ApiProperty({ type: NodeDto }) node!: NodeDto;
  @ApiProperty() joinToken!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'The environment variables to start the instance with' }) env!: string;
  @ApiProperty({ description: 'The command that starts the instance with them' }) command!: string;
}

/** Client credentials, shown once. */
export class CredentialsDto {
  @ApiProperty({ type: NodeDto }) node!: NodeDto;
  @ApiProperty() clientId!: string;
  @ApiProperty() clientSecret!: string;
  @ApiProperty() issuer!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Until when the previous secret keeps working' })
  previousSecretExpiresAt?: string | null;
}

export class KeyDto {
  @ApiProperty() kid!: string;
  @ApiProperty() alg!: string;
  @ApiProperty({ enum: ['next', 'active', 'retiring', 'removed', 'revoked'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) activatesAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) retiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) removesAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyDto] }) items!: KeyDto[];
}

export class RevokedKeyDto {
  @ApiProperty({ description: 'The key that signs in its place, now' }) replacement!: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function nodeView(node: NodeEntity, kind: string): NodeDto {
  return {
    name: node.name,
    kind,
    url: node.url,
    clientId: node.clientId,
    joined: node.secretDigest !== null,
    redirectUris: node.redirectUris,
    alg: node.alg,
    health: node.health,
    lastSeenAt: iso(node.lastSeenAt),
    lastCheckedAt: iso(node.lastCheckedAt),
    version: node.version,
    previousSecretExpiresAt: iso(node.previousSecretExpiresAt),
    createdAt: node.createdAt.toISOString(),
  };
}

export function keyView(key: KeyInfo): KeyDto {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    createdAt: key.createdAt.toISOString(),
    activatesAt: key.activatesAt.toISOString(),
    retiresAt: iso(key.retiresAt),
    removesAt: iso(key.removesAt),
    revokedAt: iso(key.revokedAt),
  };
}
