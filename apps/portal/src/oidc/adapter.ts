import { errors, type Adapter, type AdapterPayload, type ClientMetadata } from 'oidc-provider';
import type { NodeEntity } from '../entities/node.entity.js';
import type { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';

export interface AdapterDeps {
  payloads: OidcPayloadRepository;
  /** The node registered under a client id (only nodes are clients). */
  findNode(clientId: string): Promise<NodeEntity | undefined>;
  now(): Date;
}

/**
 * A node as an oidc-provider client. Only an `instance` node that has joined signs people in; its
 * URIs come from its registration, never from the node itself. `client_secret` holds the SHA-256
 * digest: the issuer compares presented secrets against it (see `compareClientSecret`).
 */
export function clientMetadata(node: NodeEntity): ClientMetadata | undefined {
  if (node.role !== 'instance' || !node.secretDigest || node.redirectUris.length === 0) return undefined;
  return {
    client_id: node.clientId,
    client_secret: node.secretDigest,
    client_name: node.name,
    redirect_uris: node.redirectUris,
    post_logout_redirect_uris: node.postLogoutRedirectUris,
    ...(node.backchannelLogoutUri ? { backchannel_logout_uri: node.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    id_token_signed_response_alg: node.alg as 'EdDSA' | 'RS256',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    response_modes: ['query'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

class NodeClients implements Adapter {
  constructor(private readonly deps: AdapterDeps) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const node = await this.deps.findNode(id);
    return node ? (clientMetadata(node) as AdapterPayload | undefined) : undefined;
  }

  // Clients are registered with `atrium cluster nodes`, never through the issuer.
  async upsert(): Promise<void> {}
  async findByUserCode(): Promise<undefined> {}
  async findByUid(): Promise<undefined> {}
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

class PostgresModel implements Adapter {
  constructor(
    private readonly model: string,
    private readonly deps: AdapterDeps,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(this.deps.now().getTime() + expiresIn * 1000) : null;
    await this.deps.payloads.upsert(this.model, id, payload as Record<string, unknown>, expiresAt, {
      grantId: payload.grantId,
      uid: payload.uid,
      accountId: payload.accountId,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const stored = await this.deps.payloads.find(this.model, id, this.deps.now());
    if (!stored) return undefined;
    const consumed = stored.consumedAt ? { consumed: Math.floor(stored.consumedAt.getTime() / 1000) } : {};
    return { ...(stored.payload as AdapterPayload), ...consumed };
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return (await this.deps.payloads.findByUid(this.model, uid, this.deps.now()))?.payload as AdapterPayload | undefined;
  }

  // No device flow: user codes never exist.
  async findByUserCode(): Promise<undefined> {}

  /**
   * Consumes in one conditional UPDATE: of two token requests racing with the same code, the loser
   * is refused and the grant is revoked, as for any replayed code.
   */
  async consume(id: string): Promise<void> {
    if (await this.deps.payloads.consume(this.model, id, this.deps.now())) return;
    const stored = await this.deps.payloads.find(this.model, id, this.deps.now());
    const grantId = stored?.payload.grantId;
    if (typeof grantId === 'string') await this.deps.payloads.revokeByGrantId(grantId);
    throw new errors.InvalidGrant('authorization code already consumed');
  }

  async destroy(id: string): Promise<void> {
    await this.deps.payloads.destroy(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.deps.payloads.revokeByGrantId(grantId);
  }
}

/** oidc-provider's adapter over the portal's Postgres; clients are the registered nodes. */
export function adapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => (model === 'Client' ? new NodeClients(deps) : new PostgresModel(model, deps));
}
