import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken, isSigningAlg, secretMatchesDigest } from '@atrium/auth';
import { NODE_ROLES, type NodeEntity, type NodeRole } from '../entities/node.entity.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { isAtriumInstance, probeReadyz } from './node-health.js';
import { JOIN_POLICY, ThrottleService } from './throttle.service.js';

export const NODE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** Join tokens expire after a day unless the admin says otherwise (docs/contracts.md §3). */
export const JOIN_TOKEN_TTL_MS = 24 * 3_600_000;
/** How long the secret before a rotation keeps working. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

export interface NodeInput {
  name: string;
  url: string;
  role?: string;
  /** Explicit redirect URIs register a generic relying party; an instance's follow from its URL. */
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  alg?: string;
  joinTokenTtlMs?: number;
}

/** Credentials handed to a node once: at join, at rotation, or read from ATRIUM_NODES. */
export interface NodeCredentials {
  clientId: string;
  clientSecret: string;
  issuer: string;
}

/** One entry of ATRIUM_NODES. */
export interface ConfiguredNode {
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
}

function invalid(message: string): PortalError {
  return new PortalError('ERR_NODE_INVALID', message);
}

function parseUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${what} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${what} must use http or https`);
  if (url.username || url.password || url.hash)
    throw invalid(`${what} may not carry credentials or a fragment`);
  return url;
}

/** The URIs an instance's contract (docs/contracts.md §2) derives from its URL; never taken from the node. */
export function instanceUris(origin: string) {
  return {
    redirectUris: [`${origin}/auth/callback`],
    postLogoutRedirectUris: [`${origin}/`],
    backchannelLogoutUri: `${origin}/auth/backchannel-logout`,
  };
}

function registration(
  input: NodeInput,
): Pick<
  NodeEntity,
  'name' | 'role' | 'url' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'alg'
> {
  if (!NODE_NAME.test(input.name))
    throw invalid('a node name is lowercase letters, digits and dashes, starting with a letter');
  const role = (input.role ?? 'instance') as NodeRole;
  if (!(NODE_ROLES as readonly string[]).includes(role))
    throw invalid(`role must be one of ${NODE_ROLES.join(', ')}`);
  const alg = input.alg ?? 'EdDSA';
  if (!isSigningAlg(alg)) throw invalid('alg must be EdDSA or RS256');
  const base = parseUrl(input.url, 'url');
  const explicit = input.redirectUris?.length ? input.redirectUris : undefined;
  if (role === 'service') {
    if (explicit) throw invalid('a service node signs nobody in and takes no redirect URI');
    return {
      name: input.name,
      role,
      url: base.origin,
      redirectUris: [],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      alg,
    };
  }
  if (!explicit) {
    if (base.pathname !== '/' || base.search)
      throw invalid('an instance URL is an origin (https://host[:port]) without a path');
    return { name: input.name, role, url: base.origin, ...instanceUris(base.origin), alg };
  }
  return {
    name: input.name,
    role,
    url: base.href.replace(/\/$/, ''),
    redirectUris: explicit.map((u) => parseUrl(u, 'redirect URI').href),
    postLogoutRedirectUris: (input.postLogoutRedirectUris ?? []).map(
      (u) => parseUrl(u, 'post-logout redirect URI').href,
    ),
    backchannelLogoutUri: input.backchannelLogoutUri
      ? parseUrl(input.backchannelLogoutUri, 'back-channel logout URI').href
      : null,
    alg,
  };
}

/**
 * Nodes (docs/contracts.md §3): registration with a one-time join token, redemption for credentials,
 * rotation with a grace period, removal, and the credentials check behind the node API and the
 * issuer's client authentication.
 */
@Injectable()
export class NodeService {
  constructor(
    private readonly db: Database,
    private readonly nodes: NodeRepository,
    private readonly payloads: OidcPayloadRepository,
    private readonly audit: AuditRepository,
    private readonly throttle: ThrottleService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Records a node and returns its one-time join token (shown once, stored as a digest). */
  async add(
    input: NodeInput,
    actor: string,
  ): Promise<{ node: NodeEntity; joinToken: string; expiresAt: Date }> {
    const values = registration(input);
    const ttl = input.joinTokenTtlMs ?? JOIN_TOKEN_TTL_MS;
    const joinToken = generateSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + ttl);
    const id = randomUUID();
    await this.db.transaction(async (em) => {
      if (await this.nodes.findByName(values.name, em))
        throw new PortalError('ERR_NODE_EXISTS', `a node named ${values.name} exists`, 409);
      await this.nodes.insert({ id, clientId: randomUUID(), ...values }, em);
      await this.nodes.insertJoinToken(id, digestSecret(joinToken), expiresAt, em);
      await this.audit.admin(
        {
          actor,
          action: 'nodes.add',
          target: values.name,
          details: { url: values.url, role: values.role, alg: values.alg },
        },
        em,
      );
    });
    return { node: (await this.nodes.findById(id))!, joinToken, expiresAt };
  }

  /**
   * Records a node with its credentials at once, for a client that cannot redeem a join token (a
   * generic relying party): the secret is returned here only, stored as a digest.
   */
  async addWithCredentials(input: NodeInput, actor: string): Promise<{ node: NodeEntity; credentials: NodeCredentials }> {
    const values = registration(input);
    const clientSecret = generateSecretToken();
    const id = randomUUID();
    const clientId = randomUUID();
    await this.db.transaction(async (em) => {
      if (await this.nodes.findByName(values.name, em))
        throw new PortalError('ERR_NODE_EXISTS', `a node named ${values.name} exists`, 409);
      await this.nodes.insert({ id, clientId, ...values, secretDigest: digestSecret(clientSecret) }, em);
      await this.audit.admin(
        {
          actor,
          action: 'nodes.add',
          target: values.name,
          details: { url: values.url, role: values.role, alg: values.alg, redirectUris: values.redirectUris, credentials: 'issued' },
        },
        em,
      );
    });
    return {
      node: (await this.nodes.findById(id))!,
      credentials: { clientId, clientSecret, issuer: this.settings.publicUrl },
    };
  }

  /** `POST /api/cluster/join`: redeems a token once; used, unknown and expired tokens answer alike. */
  async join(token: unknown, ip: string | undefined): Promise<NodeCredentials> {
    const key = `join:address:${ip ?? 'unknown'}`;
    // An address may redeem several tokens at once (a cluster's instances starting together):
    // checked up front, counted only when the token is refused.
    await this.throttle.attempt([], [key]);
    const nodeId =
      typeof token === 'string' && token.length <= 200
        ? await this.nodes.redeemJoinToken(digestSecret(token), this.clock.now())
        : undefined;
    const node = nodeId ? await this.nodes.findById(nodeId) : null;
    if (!node) {
      await this.throttle.fail(key, JOIN_POLICY);
      throw new PortalError('ERR_JOIN_TOKEN_INVALID', 'join token is invalid, used or expired', 400);
    }
    const clientSecret = generateSecretToken();
    await this.db.transaction(async (em) => {
      await this.nodes.update(
        node.id,
        {
          secretDigest: digestSecret(clientSecret),
          previousSecretDigest: null,
          previousSecretExpiresAt: null,
        },
        em,
      );
      await this.audit.admin(
        { actor: `node:${node.name}`, action: 'nodes.join', target: node.name, details: { ip: ip ?? null } },
        em,
      );
    });
    return { clientId: node.clientId, clientSecret, issuer: this.settings.publicUrl };
  }

  /**
   * A new one-time join token for a node that exists (an instance whose own database was reset
   * joins again); redeeming it replaces the node's secret, as a first join does.
   */
  async newJoinToken(
    name: string,
    actor: string,
    ttlMs = JOIN_TOKEN_TTL_MS,
  ): Promise<{ joinToken: string; expiresAt: Date }> {
    const node = await this.require(name);
    const joinToken = generateSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs);
    await this.db.transaction(async (em) => {
      await this.nodes.insertJoinToken(node.id, digestSecret(joinToken), expiresAt, em);
      await this.audit.admin({ actor, action: 'nodes.join-token', target: node.name, details: {} }, em);
    });
    return { joinToken, expiresAt };
  }

  /** Moves an instance to another origin; its redirect and logout URIs follow. False when unchanged. */
  async moveInstance(name: string, url: string, actor: string): Promise<boolean> {
    const node = await this.require(name);
    if (node.role !== 'instance') throw invalid(`${name} is not an instance`);
    const values = registration({ name, url });
    if (node.url === values.url) return false;
    await this.db.transaction(async (em) => {
      await this.nodes.update(node.id, values, em);
      await this.audit.admin(
        { actor, action: 'nodes.update', target: node.name, details: { url: values.url } },
        em,
      );
    });
    return true;
  }

  /** New credentials for the operator; the old secret keeps working for `graceMs`. */
  async rotate(name: string, actor: string, graceMs = ROTATION_GRACE_MS): Promise<NodeCredentials> {
    const node = await this.require(name);
    const clientSecret = generateSecretToken();
    await this.db.transaction(async (em) => {
      await this.nodes.update(
        node.id,
        {
          secretDigest: digestSecret(clientSecret),
          previousSecretDigest: node.secretDigest,
          previousSecretExpiresAt: node.secretDigest ? new Date(this.clock.now().getTime() + graceMs) : null,
        },
        em,
      );
      await this.audit.admin(
        {
          actor,
          action: 'nodes.rotate',
          target: node.name,
          details: { graceSeconds: Math.round(graceMs / 1000) },
        },
        em,
      );
    });
    return { clientId: node.clientId, clientSecret, issuer: this.settings.publicUrl };
  }

  /** Removes a node, its grants, mappings and pending logouts, and revokes every token issued to it. */
  async remove(name: string, actor: string): Promise<void> {
    const node = await this.require(name);
    await this.db.transaction(async (em) => {
      for (const grantId of await this.payloads.grantIdsOfClient(node.clientId, em))
        await this.payloads.revokeByGrantId(grantId, em);
      await this.nodes.delete(node.id, em);
      await this.audit.admin(
        { actor, action: 'nodes.rm', target: node.name, details: { clientId: node.clientId } },
        em,
      );
    });
  }

  /** Upserts the nodes of ATRIUM_NODES at start (Helm supplies credentials up front). */
  async upsertConfigured(configured: ConfiguredNode[]): Promise<void> {
    for (const entry of configured) {
      const values = registration({ name: entry.name, url: entry.url });
      const secretDigest = digestSecret(entry.clientSecret);
      await this.db.transaction(async (em) => {
        const existing = await this.nodes.findByName(entry.name, em);
        if (
          existing &&
          existing.clientId === entry.clientId &&
          existing.secretDigest === secretDigest &&
          existing.url === values.url
        )
          return;
        if (existing)
          await this.nodes.update(existing.id, { ...values, clientId: entry.clientId, secretDigest }, em);
        else
          await this.nodes.insert(
            { id: randomUUID(), ...values, clientId: entry.clientId, secretDigest },
            em,
          );
        await this.audit.admin(
          {
            actor: 'env:ATRIUM_NODES',
            action: existing ? 'nodes.update' : 'nodes.add',
            target: entry.name,
            details: { url: values.url },
          },
          em,
        );
      });
    }
  }

  /** The node these credentials belong to: its current secret, or the previous one within the grace period. */
  async authenticate(clientId: string, secret: string): Promise<NodeEntity | undefined> {
    const node = await this.nodes.findByClientId(clientId);
    if (!node?.secretDigest) return undefined;
    if (secretMatchesDigest(secret, node.secretDigest)) return node;
    const graceOpen =
      node.previousSecretDigest &&
      node.previousSecretExpiresAt &&
      node.previousSecretExpiresAt > this.clock.now();
    return graceOpen && secretMatchesDigest(secret, node.previousSecretDigest!) ? node : undefined;
  }

  list(): Promise<NodeEntity[]> {
    return this.nodes.list();
  }

  /**
   * Asks every Atrium instance's `/readyz` now, in parallel, and records what it said: when it
   * last answered, its health and its version (the admin's Libraries screen). Returns every node.
   */
  async checkHealth(): Promise<NodeEntity[]> {
    const nodes = await this.nodes.list();
    await Promise.all(
      nodes.filter(isAtriumInstance).map(async (node) => {
        const { health, version } = await probeReadyz(node.url);
        const now = this.clock.now();
        const seen = health !== 'unreachable';
        Object.assign(node, { health, lastCheckedAt: now }, seen ? { lastSeenAt: now, version } : {});
        await this.nodes.updateHealth(node.id, { health, checkedAt: now, seen, version });
      }),
    );
    return nodes;
  }

  async show(name: string): Promise<{ node: NodeEntity; pendingJoinTokens: number }> {
    const node = await this.require(name);
    return { node, pendingJoinTokens: await this.nodes.pendingJoinTokens(node.id, this.clock.now()) };
  }

  async require(name: string): Promise<NodeEntity> {
    const node = await this.nodes.findByName(name);
    if (!node) throw new PortalError('ERR_NODE_NOT_FOUND', `no such node: ${name}`, 404);
    return node;
  }
}
