import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { NoNulBytes } from '@atrium/server';
import type { AccessDecision } from '@atrium/policy';
import type { GroupMappingEntity } from '../entities/admission.entity.js';
import type { GrantRow } from '../repositories/admission.repository.js';
import type { MatrixPage } from '../services/admission.service.js';

const optionalText = (max: number) => [IsOptional(), IsString(), MaxLength(max), NoNulBytes()];
function Text(max: number): PropertyDecorator {
  return (target, key) => optionalText(max).forEach((d) => d(target, key));
}

export class GrantQuery {
  @ApiPropertyOptional({ description: 'Username' }) @Text(64) user?: string;
  @ApiPropertyOptional({ description: 'Library (node) name' }) @Text(63) node?: string;
}

export class GrantDto {
  @ApiProperty() @IsString() @Length(1, 64) @NoNulBytes() username!: string;
  @ApiProperty() @IsString() @Length(1, 63) @NoNulBytes() node!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Empty: the account role applies' })
  @Text(32)
  role?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'May use {username}' })
  @Text(1024)
  basePath?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'May use {username}' })
  @Text(1024)
  uploadPath?: string | null;
}

export class MappingDto {
  @ApiProperty() @IsString() @Length(1, 63) @NoNulBytes() node!: string;
  @ApiProperty({ description: 'An OIDC group name as the provider sends it, or an LDAP group DN' })
  @IsString()
  @Length(1, 1024)
  @NoNulBytes()
  group!: string;
  @ApiPropertyOptional({ enum: ['name', 'dn'], description: 'name: OIDC or portal group; dn: LDAP group' })
  @IsOptional()
  @IsIn(['name', 'dn'])
  kind?: 'name' | 'dn';
  @ApiProperty() @IsString() @Length(1, 32) role!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @Text(1024) basePath?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @Text(1024) uploadPath?: string | null;
}

export class NodeQuery {
  @ApiProperty() @IsString() @Length(1, 63) @NoNulBytes() node!: string;
}

export class MappingKeyQuery {
  @ApiProperty() @IsString() @Length(1, 63) @NoNulBytes() node!: string;
  @ApiProperty() @IsString() @Length(1, 1024) @NoNulBytes() group!: string;
}

export class MatrixQuery {
  @ApiPropertyOptional({ description: 'In the username, name or email' }) @Text(200) q?: string;
  @ApiPropertyOptional({ description: 'Accounts in this group' }) @Text(1024) group?: string;
  @ApiPropertyOptional({ description: 'Only this library' }) @Text(63) node?: string;
  @ApiPropertyOptional({ description: 'An instance role, or none (no access), on a shown library' })
  @Text(32)
  role?: string;
  @ApiPropertyOptional({ description: 'The `next` of the previous page' }) @Text(64) after?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ExplainQuery {
  @ApiProperty() @IsString() @Length(1, 64) @NoNulBytes() user!: string;
  @ApiProperty() @IsString() @Length(1, 63) @NoNulBytes() node!: string;
}

export class PreviewQuery {
  @ApiProperty({ description: 'A base or upload path; may use {username}' })
  @IsString()
  @Length(1, 1024)
  @NoNulBytes()
  template!: string;
  @ApiProperty() @IsString() @Length(1, 64) @NoNulBytes() username!: string;
}

export class DirectoryQueryDto {
  @ApiPropertyOptional() @Text(100) q?: string;
}

export class GrantRowDto {
  @ApiProperty() username!: string;
  @ApiProperty() node!: string;
  @ApiProperty({ type: String, nullable: true }) role!: string | null;
  @ApiProperty({ type: String, nullable: true }) basePath!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadPath!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class GrantListDto {
  @ApiProperty({ type: [GrantRowDto] }) items!: GrantRowDto[];
}

export class MappingRowDto {
  @ApiProperty() node!: string;
  @ApiProperty() group!: string;
  @ApiProperty({ enum: ['name', 'dn'] }) kind!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ type: String, nullable: true }) basePath!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadPath!: string | null;
}

export class MappingListDto {
  @ApiProperty({ type: [MappingRowDto] }) items!: MappingRowDto[];
}

/** One cell of the matrix: the role and why (libs/policy's decision). */
export class MatrixCellDto {
  @ApiProperty() node!: string;
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ type: String, nullable: true }) role!: string | null;
  @ApiProperty({
    description:
      'grant, grant_account_role, group; or account_disabled, no_grant_or_group, grant_role_invalid, account_role_invalid, path_invalid',
  })
  reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The deciding group, when a group decided' })
  group!: string | null;
  @ApiProperty({ type: String, nullable: true }) basePath!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadPath!: string | null;
}

export class MatrixRowDto {
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ type: [String] }) groups!: string[];
  @ApiProperty({ type: [MatrixCellDto] }) cells!: MatrixCellDto[];
}

export class MatrixPageDto {
  @ApiProperty({ type: [String], description: 'The libraries, in column order' }) nodes!: string[];
  @ApiProperty({ type: [MatrixRowDto] }) rows!: MatrixRowDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page' })
  next!: string | null;
}

export class ExplanationDto {
  @ApiProperty() username!: string;
  @ApiProperty() node!: string;
  @ApiProperty({ type: MatrixCellDto }) cell!: MatrixCellDto;
  @ApiProperty({ type: [String], description: 'One fact per line, the outcome last' }) lines!: string[];
}

export class PreviewDto {
  @ApiProperty({ type: String, nullable: true }) path!: string | null;
}

export class DirectoryDto {
  @ApiProperty({ description: '[{ username, name }]' }) users!: { username: string; name: string }[];
  @ApiProperty({ type: [String] }) groups!: string[];
}

export function cellView(node: string, decision: AccessDecision): MatrixCellDto {
  if (!decision.allowed)
    return {
      node,
      allowed: false,
      role: null,
      reason: decision.reason,
      group: null,
      basePath: null,
      uploadPath: null,
    };
  return {
    node,
    allowed: true,
    role: decision.role,
    reason: decision.reason,
    group: decision.source.kind === 'group' ? decision.source.group : null,
    basePath: decision.basePath,
    uploadPath: decision.uploadPath,
  };
}

export function matrixView(page: MatrixPage): MatrixPageDto {
  return {
    nodes: page.nodes,
    next: page.next,
    rows: page.rows.map((r) => ({
      username: r.username,
      name: r.name,
      disabled: r.disabled,
      groups: r.groups,
      cells: r.cells.map((c) => cellView(c.node, c.decision)),
    })),
  };
}

export const CSV_HEADER = 'username,name,library,allowed,role,reason,group,base_path,upload_path\r\n';

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a cell as a formula. */
export function csvField(value: string | null | boolean): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function matrixCsv(page: MatrixPage): string {
  let out = '';
  for (const row of page.rows)
    for (const cell of row.cells) {
      const c = cellView(cell.node, cell.decision);
      out += [row.username, row.name, c.node, c.allowed, c.role, c.reason, c.group, c.basePath, c.uploadPath]
        .map(csvField)
        .join(',');
      out += '\r\n';
    }
  return out;
}

export function grantView(g: GrantRow): GrantRowDto {
  return {
    username: g.username,
    node: g.node,
    role: g.role,
    basePath: g.basePath,
    uploadPath: g.uploadPath,
    createdAt: new Date(g.createdAt).toISOString(),
  };
}

export function mappingView(node: string, m: GroupMappingEntity): MappingRowDto {
  return {
    node,
    group: m.groupName,
    kind: m.kind,
    role: m.role,
    basePath: m.basePath,
    uploadPath: m.uploadPath,
  };
}
