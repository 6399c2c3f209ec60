import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { digestSecret } from '@atrium/auth';
import Provider, { type Account, type FindAccount, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import type { NodeEntity } from '../entities/node.entity.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { IssuerReadsRepository } from '../repositories/issuer-reads.repository.js';
import { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { AdmissionService } from '../services/admission.service.js';
import { Clock } from '../common/clock.js';
import { KeyService } from '../services/key.service.js';
import { NodeService } from '../services/node.service.js';
import { SessionService } from '../services/session.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { adapterFactory } from './adapter.js';
import { accessDenied, issuerConfiguration, pinDiscovery, SCOPES } from './provider-config.js';
import { RequestReads } from './request-reads.js';

export interface IssuerOptions {
  /** Keys that sign the issuer's cookies, derived from ATRIUM_SECRET_KEY so every replica agrees. */
  cookieKeys: string[];
  /** Trust X-Forwarded-* (only when TRUSTED_PROXIES is set). */
  trustProxy: boolean;
  /** How often to look for rotated or revoked keys. */
  keyPollMs?: number;
}

export const ISSUER_OPTIONS = Symbol('ISSUER_OPTIONS');

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

// Nodes change rarely; a few seconds of caching spares a query on every authorization and token request.
const NODE_CACHE_MS = 5_000;
const LINKS_REMEMBERED = 10_000;

/**
 * The portal's OIDC issuer for instances: oidc-provider configured by `issuerConfiguration`, with
 * the portal's accounts, access rules, nodes and keys plugged in. A rotation or revoke made by any
 * process is picked up within `keyPollMs` by building a new provider over the same storage.
 */
@Injectable()
export class IssuerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('issuer');
  private current?: { provider: Provider; handler: Handler; fingerprint: string };
  private timer?: NodeJS.Timeout;
  private readonly nodeCache = new Map<string, { node: Promise<NodeEntity | undefined>; at: number }>();
  private readonly linked = new Set<string>();
  private readonly secretCache = new Map<string, { ok: Promise<boolean>; at: number }>();
  private readonly reads: RequestReads;

  constructor(
    private readonly keys: KeyService,
    private readonly nodes: NodeRepository,
    private readonly nodeService: NodeService,
    private readonly admission: AdmissionService,
    private readonly sessions: SessionService,
    private readonly payloads: OidcPayloadRepository,
    issuerReads: IssuerReadsRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    @Inject(ISSUER_OPTIONS) private readonly options: IssuerOptions,
  ) {
    this.reads = new RequestReads({
      reads: issuerReads,
      portalCookie: () => this.sessions.cookie().name,
      nodeIdFor: async (clientId) => (await this.nodeFor(clientId))?.id,
      now: () => this.clock.now(),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.keys.ensureKeys();
    await this.reload();
    this.timer = setInterval(
      () => void this.reload().catch((e) => this.logger.error(e)),
      this.options.keyPollMs ?? 5_000,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get provider(): Provider {
    if (!this.current) throw new Error('issuer not started');
    return this.current.provider;
  }

  /** Serves the issuer's endpoints (discovery, /oidc/*). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.current) throw new Error('issuer not started');
    return this.current.handler(req, res);
  }

  /** Rebuilds the provider when the published or signing keys changed. */
  async reload(): Promise<void> {
    const state = await this.keys.signingState();
    if (state.fingerprint === this.current?.fingerprint) return;
    const provider = this.build(state.keys);
    this.current = { provider, handler: provider.callback() as Handler, fingerprint: state.fingerprint };
  }

  private build(keys: Awaited<ReturnType<KeyService['signingState']>>['keys']): Provider {
    const provider = new Provider(
      this.settings.publicUrl,
      issuerConfiguration({
        keys,
        adapter: adapterFactory({
          payloads: this.payloads,
          findNode: (id) => this.nodeFor(id),
          reads: this.reads,
          now: () => this.clock.now(),
        }) as never,
        cookieKeys: this.options.cookieKeys,
        sessionTtlSeconds: Math.floor(this.settings.sessionMaxAgeMs / 1000),
        hooks: {
          findAccount: this.findAccount,
          needsPortalSignIn: (ctx) => this.needsPortalSignIn(ctx),
          loadGrant: (ctx) => this.loadGrant(ctx),
        },
      }),
    );
    provider.proxy = this.options.trustProxy;
    this.patchClients(provider);
    provider.use(async (koa, next) => {
      await next();
      const ctx = koa as KoaContextWithOIDC;
      if (ctx.oidc?.route === 'discovery' && ctx.body) pinDiscovery(ctx.body as Record<string, unknown>);
      if (ctx.oidc?.route === 'end_session_confirm' && ctx.status === 303 && ctx.oidc.params?.logout)
        await this.endPortalSession(ctx);
    });
    provider.on('server_error', (_ctx, error) => this.logger.error(error));
    return provider;
  }

  /**
   * Clients authenticate against the node's stored digest (current secret, or the previous one
   * within its grace period); back-channel logouts go to the durable outbox instead of a one-shot request.
   */
  private patchClients(provider: Provider): void {
    const authenticate = (clientId: string, secret: string) => this.authenticateClient(clientId, secret);
    const enqueue = (clientId: string, sub: string, sid: string) => this.enqueueLogout(clientId, sub, sid);
    const proto = provider.Client.prototype as unknown as {
      compareClientSecret(this: { clientId: string }, secret: string): Promise<boolean>;
      backchannelLogout(this: { clientId: string }, sub: string, sid: string): Promise<void>;
    };
    proto.compareClientSecret = async function compareClientSecret(secret) {
      return authenticate(this.clientId, secret);
    };
    proto.backchannelLogout = async function backchannelLogout(sub, sid) {
      await enqueue(this.clientId, sub, sid);
    };
  }

  /**
   * Checks a client secret against the node's digests. A success is remembered for a few seconds
   * (keyed by a digest of the secret), so a busy token endpoint does not read the node every time,
   * and requests that arrive while a check runs share it. A refusal is not remembered: a new
   * secret is never refused by the cache, only checked against the database.
   */
  private authenticateClient(clientId: string, secret: string): Promise<boolean> {
    const key = `${clientId}:${digestSecret(secret)}`;
    const cached = this.secretCache.get(key);
    if (cached && Date.now() - cached.at < NODE_CACHE_MS) return cached.ok;
    if (this.secretCache.size >= LINKS_REMEMBERED) this.secretCache.clear();
    const entry = {
      ok: this.nodeService.authenticate(clientId, secret).then((node) => node !== undefined),
      at: Date.now(),
    };
    this.secretCache.set(key, entry);
    const forget = () => this.secretCache.get(key) === entry && this.secretCache.delete(key);
    entry.ok.then((ok) => ok || forget(), forget);
    return entry.ok;
  }

  private async enqueueLogout(clientId: string, sub: string, sid: string): Promise<void> {
    const node = await this.nodeFor(clientId);
    if (node)
      await this.outbox.enqueue([{ nodeId: node.id, sub, sid, reason: 'signed_out' }], this.clock.now());
  }

  /** The node behind a client id; concurrent requests after the cache expired share one read. */
  nodeFor(clientId: string | undefined): Promise<NodeEntity | undefined> {
    if (!clientId) return Promise.resolve(undefined);
    const cached = this.nodeCache.get(clientId);
    if (cached && Date.now() - cached.at < NODE_CACHE_MS) return cached.node;
    const node = this.nodes.findByClientId(clientId).then((found) => found ?? undefined);
    this.nodeCache.set(clientId, { node, at: Date.now() });
    node.catch(() => this.nodeCache.get(clientId)?.node === node && this.nodeCache.delete(clientId));
    return node;
  }

  /**
   * The account behind a `sub`. At the token and userinfo endpoints access to the client's instance
   * is resolved again: an account that lost it (or was disabled or deleted) gets no token
   * (`invalid_grant`). At the authorization endpoint the portal-session check and `loadGrant`
   * decide, so no claims are read there.
   */
  private readonly findAccount: FindAccount = async (ctx, sub) => {
    if (ctx.oidc.route !== 'token' && ctx.oidc.route !== 'userinfo')
      return { accountId: sub, claims: async () => ({ sub }) };
    const node = await this.nodeFor(ctx.oidc.client?.clientId);
    const resolved = node ? await this.resolveAdmission(ctx, sub, node.id) : undefined;
    const account = resolved?.account;
    if (!account || !resolved.claims) return undefined;
    const result: Account = {
      accountId: sub,
      claims: async () => ({
        sub,
        name: account.name || account.username,
        preferred_username: account.username,
        ...(account.email ? { email: account.email, email_verified: account.emailVerified } : {}),
        ...resolved.claims,
      }),
    };
    return result;
  };

  /** Access of an account on a node, from the snapshot this request read ahead when there is one. */
  private async resolveAdmission(ctx: KoaContextWithOIDC, accountId: string, nodeId: string) {
    const snapshot = this.reads.takeAdmission(ctx, accountId, nodeId);
    return snapshot ? this.admission.decide(snapshot) : this.admission.forToken(accountId, nodeId);
  }

  private async needsPortalSignIn(ctx: KoaContextWithOIDC): Promise<boolean> {
    const ahead = this.reads.takePortalSession(ctx);
    const session = ahead
      ? await this.sessions.alive(ahead.value)
      : await this.sessions.find(ctx.cookies.get(this.sessions.cookie().name, { signed: false }));
    const accountId = ctx.oidc.session?.accountId;
    if (!session || session.stage !== 'full' || session.accountId !== accountId) return true;
    await this.linkOnce(ctx.oidc.session!.uid, session);
    return false;
  }

  private async linkOnce(uid: string, session: Parameters<SessionService['link']>[1]): Promise<void> {
    const key = `${uid}:${session.id}`;
    if (this.linked.has(key)) return;
    await this.sessions.link(uid, session);
    if (this.linked.size >= LINKS_REMEMBERED) this.linked.clear();
    this.linked.add(key);
  }

  /** Closed by default: no grant or group, no code. A grant covering the requested scopes is reused. */
  private async loadGrant(ctx: KoaContextWithOIDC): Promise<Grant> {
    const { client, session, provider } = ctx.oidc;
    const accountId = session!.accountId!;
    const node = await this.nodeFor(client!.clientId);
    const decision = node ? (await this.resolveAdmission(ctx, accountId, node.id)).decision : undefined;
    if (!decision?.allowed) throw accessDenied();
    const grantId = session!.grantIdFor(client!.clientId);
    let grant = grantId ? await provider.Grant.find(grantId) : undefined;
    if (!grant || grant.accountId !== accountId || grant.clientId !== client!.clientId) {
      grant = new provider.Grant({ accountId, clientId: client!.clientId });
    }
    const granted = new Set(grant.getOIDCScope().split(' '));
    const wanted = [...ctx.oidc.requestParamOIDCScopes].filter((s) => SCOPES.includes(s));
    if (!grant.jti || wanted.some((s) => !granted.has(s))) {
      grant.addOIDCScope(wanted);
      await grant.save();
    }
    return grant;
  }

  /** RP-initiated logout ends the portal session too (the issuer already queued the instance logouts). */
  private async endPortalSession(ctx: KoaContextWithOIDC): Promise<void> {
    const cookie = this.sessions.cookie();
    const session = await this.sessions.find(ctx.cookies.get(cookie.name, { signed: false }));
    if (session) await this.sessions.end(session, 'signed_out');
    ctx.append(
      'Set-Cookie',
      `${cookie.name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${cookie.options.secure ? '; Secure' : ''}`,
    );
  }
}

/** Paths the issuer answers; everything else is the portal's. */
export function isIssuerPath(path: string): boolean {
  return (
    path.startsWith('/oidc/') ||
    path.startsWith('/.well-known/openid-configuration') ||
    path.startsWith('/.well-known/oauth-authorization-server')
  );
}
