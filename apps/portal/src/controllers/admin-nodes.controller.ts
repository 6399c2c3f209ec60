import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AddNodeDto,
  CredentialsDto,
  JoinTokenDto,
  KeyListDto,
  NodeListDto,
  RevokedKeyDto,
  keyView,
  nodeView,
} from '../dtos/admin-nodes.dto.js';
import { DoneDto, TextParam } from '../dtos/admin-users.dto.js';
import type { NodeEntity } from '../entities/node.entity.js';
import { AdminGuard, CurrentAdmin, type AdminActor } from '../guards/admin.guard.js';
import { KeyService } from '../services/key.service.js';
import { isAtriumInstance } from '../services/node-health.js';
import { NodeService } from '../services/node.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';

const kindOf = (node: NodeEntity) =>
  node.role === 'service' ? 'service' : isAtriumInstance(node) ? 'instance' : 'relying_party';

/** Shell-safe: the values are URLs, names and base64url tokens, quoted anyway. */
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The admin's Libraries screen: the same NodeService and KeyService as `atrium cluster nodes|keys`. */
@ApiTags('admin')
@ApiCookieAuth()
@Controller('api/admin')
@UseGuards(AdminGuard)
export class AdminNodesController {
  constructor(
    private readonly nodes: NodeService,
    private readonly keys: KeyService,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Every node, after asking each Atrium instance's /readyz (2 s at most) how it is. */
  @Get('nodes')
  @ApiOkResponse({ type: NodeListDto })
  async list(): Promise<NodeListDto> {
    return { items: (await this.nodes.checkHealth()).map((n) => nodeView(n, kindOf(n))) };
  }

  /**
   * An instance or service gets a one-time join token (and the environment to start it with); a
   * generic relying party, which cannot redeem one, gets its credentials.
   */
  @Post('nodes')
  @ApiCreatedResponse({ type: JoinTokenDto, description: 'Or CredentialsDto for a relying party' })
  async add(
    @Body() body: AddNodeDto,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<JoinTokenDto | CredentialsDto> {
    const actor = admin.account.username;
    if (body.redirectUris?.length) {
      const { node, credentials } = await this.nodes.addWithCredentials(body, actor);
      return { node: nodeView(node, kindOf(node)), ...credentials };
    }
    const { node, joinToken, expiresAt } = await this.nodes.add(body, actor);
    return this.joinView(node, joinToken, expiresAt);
  }

  /** A new one-time join token, for an instance whose own database was reset. */
  @Post('nodes/:name/join-token')
  @HttpCode(200)
  @ApiOkResponse({ type: JoinTokenDto })
  async joinToken(
    @Param('name', TextParam) name: string,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<JoinTokenDto> {
    const { joinToken, expiresAt } = await this.nodes.newJoinToken(name, admin.account.username);
    return this.joinView(await this.nodes.require(name), joinToken, expiresAt);
  }

  @Post('nodes/:name/rotate')
  @HttpCode(200)
  @ApiOkResponse({ type: CredentialsDto })
  async rotate(
    @Param('name', TextParam) name: string,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<CredentialsDto> {
    const credentials = await this.nodes.rotate(name, admin.account.username);
    const node = await this.nodes.require(name);
    return {
      node: nodeView(node, kindOf(node)),
      ...credentials,
      previousSecretExpiresAt: node.previousSecretExpiresAt?.toISOString() ?? null,
    };
  }

  @Delete('nodes/:name')
  @ApiOkResponse({ type: DoneDto })
  async remove(@Param('name', TextParam) name: string, @CurrentAdmin() admin: AdminActor): Promise<DoneDto> {
    await this.nodes.remove(name, admin.account.username);
    return { ok: true };
  }

  @Get('keys')
  @ApiOkResponse({ type: KeyListDto })
  async listKeys(): Promise<KeyListDto> {
    return { items: (await this.keys.list()).map(keyView) };
  }

  /** Publishes the next key of each algorithm now; it signs once relying parties' JWKS caches know it. */
  @Post('keys/rotate')
  @HttpCode(200)
  @ApiOkResponse({ type: KeyListDto })
  async rotateKeys(@CurrentAdmin() admin: AdminActor): Promise<KeyListDto> {
    return { items: (await this.keys.rotate(admin.account.username)).map(keyView) };
  }

  /** Emergency: removes the key from the JWKS and from signing at once. */
  @Post('keys/:kid/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedKeyDto })
  revokeKey(@Param('kid', TextParam) kid: string, @CurrentAdmin() admin: AdminActor): Promise<RevokedKeyDto> {
    return this.keys.revoke(kid, admin.account.username);
  }

  private joinView(node: NodeEntity, joinToken: string, expiresAt: Date): JoinTokenDto {
    const env = [
      `NODE_NAME=${node.name}`,
      `PUBLIC_URL=${node.url}`,
      `PORTAL_URL=${this.settings.publicUrl}`,
      `NODE_JOIN_TOKEN=${joinToken}`,
    ];
    return {
      node: nodeView(node, kindOf(node)),
      joinToken,
      expiresAt: expiresAt.toISOString(),
      env: env.join('\n'),
      command: `env ${env.map((line) => line.replace(/=(.*)$/, (_m, v: string) => `=${quote(v)}`)).join(' ')} atrium instance serve`,
    };
  }
}
