import { errors, type Adapter, type AdapterPayload, type ClientMetadata } from 'oidc-provider';
import { storable } from '@atrium/server';
import type { NodeEntity } from '../entities/node.entity.js';
import type { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';
import type { RequestReads } from './request-reads.js';

export interface AdapterDeps {
  payloads: OidcPayloadRepository;
  /** The node registered under a client id (only nodes are clients). */
  findNode(clientId: string): Promise<NodeEntity | undefined>;
  /** Rows the code flow's endpoints read ahead, in one statement each. */
  reads?: RequestReads;
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
    ...(node.backchannelLogoutUri
      ? { backchannel_logout_uri: node.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
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

// oidc-provider saves the session on every authorization even when nothing in it changed.
const SESSIONS_REMEMBERED = 10_000;

/** The session as stored, minus the issue and expiry times each save recomputes. */
function sessionContent(payload: AdapterPayload): string {
  const { iat: _iat, exp: _exp, ...content } = payload;
  return JSON.stringify(content);
}

class PostgresModel implements Adapter {
  private readonly consumedHere = new Set<string>();

  constructor(
    private readonly model: string,
    private readonly deps: AdapterDeps,
    private readonly written?: Map<string, string>,
  ) {}

  /**
   * Stores a payload. An issuer session whose content this process last wrote unchanged is not
   * written again: its expiry then stays absolute (the portal session's lifetime), not sliding.
   */
  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.deps.reads?.forget(this.model, id);
    const content = this.written ? sessionContent(payload) : undefined;
    if (content !== undefined && this.written!.get(id) === content) return;
    await this.write(id, payload, expiresIn);
    if (content !== undefined) {
      if (this.written!.size >= SESSIONS_REMEMBERED) this.written!.clear();
      this.written!.set(id, content);
    }
  }

  private async write(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(this.deps.now().getTime() + expiresIn * 1000) : null;
    await this.deps.payloads.upsert(this.model, id, payload as Record<string, unknown>, expiresAt, {
      grantId: payload.grantId,
      uid: payload.uid,
      accountId: payload.accountId,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (!storable(id)) return undefined;
    const ahead = await this.readAhead(id);
    if (ahead) return ahead.payload as AdapterPayload | undefined;
    const stored =
      this.model === 'AuthorizationCode'
        ? await this.consumeOnRead(id)
        : await this.deps.payloads.find(this.model, id, this.deps.now());
    if (!stored) return undefined;
    const consumed = stored.consumedAt ? { consumed: Math.floor(stored.consumedAt.getTime() / 1000) } : {};
    return { ...(stored.payload as AdapterPayload), ...consumed };
  }

  /** A session or grant read in one statement with the rest of the request's reads (see RequestReads). */
  private async readAhead(id: string): Promise<{ payload?: Record<string, unknown> } | undefined> {
    if (this.model === 'Session') return this.deps.reads?.session(id);
    if (this.model === 'Grant') return this.deps.reads?.take('Grant', id);
    return undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (!storable(uid)) return undefined;
    const ahead = this.model === 'Session' ? this.deps.reads?.takeSessionByUid(uid) : undefined;
    if (ahead) return ahead.payload as AdapterPayload | undefined;
    return (await this.deps.payloads.findByUid(this.model, uid, this.deps.now()))?.payload as
      AdapterPayload | undefined;
  }

  // No device flow: user codes never exist.
  async findByUserCode(): Promise<undefined> {}

  /**
   * A code is only ever read by the token endpoint, which then consumes it: both happen in one
   * statement under a row lock, so of two requests racing with one code exactly one finds it
   * fresh, and the other sees it consumed (oidc-provider then revokes what it issued).
   */
  private async consumeOnRead(id: string) {
    const ahead = await this.deps.reads?.code(id);
    const stored = ahead
      ? ahead.stored
      : await this.deps.payloads.findAndConsume(this.model, id, this.deps.now());
    if (stored && !stored.consumedAt) {
      // A request that fails after reading (wrong verifier) never calls consume; keep the set small.
      if (this.consumedHere.size >= SESSIONS_REMEMBERED) this.consumedHere.clear();
      this.consumedHere.add(id);
    }
    return stored;
  }

  /** The conditional UPDATE behind any other consumption; a code read above is already consumed. */
  async consume(id: string): Promise<void> {
    if (this.consumedHere.delete(id)) return;
    if (await this.deps.payloads.consume(this.model, id, this.deps.now())) return;
    const stored = await this.deps.payloads.find(this.model, id, this.deps.now());
    const grantId = stored?.payload.grantId;
    if (typeof grantId === 'string') await this.deps.payloads.revokeByGrantId(grantId);
    throw new errors.InvalidGrant('authorization code already consumed');
  }

  async destroy(id: string): Promise<void> {
    this.deps.reads?.forget(this.model, id);
    this.written?.delete(id);
    await this.deps.payloads.destroy(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.deps.payloads.revokeByGrantId(grantId);
  }
}

/** oidc-provider's adapter over the portal's Postgres; clients are the registered nodes. */
export function adapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  const writtenSessions = new Map<string, string>();
  return (model) => {
    if (model === 'Client') return new NodeClients(deps);
    return new PostgresModel(model, deps, model === 'Session' ? writtenSessions : undefined);
  };
}
