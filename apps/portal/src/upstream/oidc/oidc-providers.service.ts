import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import passport from 'passport';
import { remoteJwks, type RemoteJwks } from '@atrium/auth';
import { Clock } from '../../common/clock.js';
import { PortalError } from '../../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../../common/settings.js';
import { UpstreamRepository } from '../../repositories/upstream.repository.js';
import type { OidcProviderConfig } from './oidc-config.js';
import { oidcStrategyClass, PostgresStateStore, type VerifyIdToken } from './oidc-strategy.js';

export const UPSTREAM_OIDC_PROVIDERS = Symbol('UPSTREAM_OIDC_PROVIDERS');

/** Discovery is used this long before it is fetched again in the background. */
export const DISCOVERY_TTL_MS = 60 * 60_000;
/** After a failed fetch, no new one is tried for this long (the last good document stays in use). */
const RETRY_AFTER_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

/** What the portal uses from a provider's discovery document. */
export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  endSessionEndpoint: string | null;
}

/** A provider ready for sign-in: its discovery, keys and registered passport strategy. */
export interface ReadyProvider {
  config: OidcProviderConfig;
  metadata: ProviderMetadata;
  keys: RemoteJwks;
  strategy: string;
}

interface Slot {
  ready?: ReadyProvider;
  fetchedAt: number;
  failedAt: number;
  pending?: Promise<ReadyProvider>;
}

function endpoint(doc: Record<string, unknown>, name: string, issuer: URL, required: boolean): string | null {
  const value = doc[name];
  if (value === undefined && !required) return null;
  if (typeof value !== 'string') throw new Error(`discovery has no ${name}`);
  const url = new URL(value);
  // An https issuer's endpoints are https too; plain http only for an http issuer (a test IdP).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && issuer.protocol === 'http:'))
    throw new Error(`discovery's ${name} is not https: ${value}`);
  return value;
}

/** Reads the discovery document (OIDC Discovery 1.0 §4) and checks it names the configured issuer. */
export function parseDiscovery(doc: unknown, config: OidcProviderConfig): ProviderMetadata {
  if (typeof doc !== 'object' || doc === null) throw new Error('discovery is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.issuer !== config.issuer)
    throw new Error(`discovery names the issuer ${JSON.stringify(d.issuer)}, not ${config.issuer}`);
  const methods = d.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256'))
    throw new Error('the provider does not support PKCE S256');
  const issuer = new URL(config.issuer);
  return {
    issuer: config.issuer,
    authorizationEndpoint: endpoint(d, 'authorization_endpoint', issuer, true)!,
    tokenEndpoint: endpoint(d, 'token_endpoint', issuer, true)!,
    jwksUri: endpoint(d, 'jwks_uri', issuer, true)!,
    endSessionEndpoint: endpoint(d, 'end_session_endpoint', issuer, false),
  };
}

/**
 * The organization's OIDC providers: discovery fetched on first use, cached, refreshed in the
 * background after {@link DISCOVERY_TTL_MS} (a provider that cannot be reached keeps its last
 * good document), and one passport-openidconnect strategy per provider built from it.
 */
@Injectable()
export class OidcProviderRegistry {
  private readonly logger = new Logger('oidc-providers');
  private readonly slots = new Map<string, Slot>();
  private readonly store: PostgresStateStore;
  private verifyIdToken?: VerifyIdToken;
  // passport is one registry per process: portals started side by side (tests) keep their own names.
  private readonly instance = randomBytes(6).toString('hex');

  constructor(
    @Inject(UPSTREAM_OIDC_PROVIDERS) private readonly providers: OidcProviderConfig[],
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    private readonly clock: Clock,
    states: UpstreamRepository,
  ) {
    this.store = new PostgresStateStore(states, clock);
  }

  /** Set once by the sign-in service: the strategies' verify callback. */
  onVerify(verify: VerifyIdToken): void {
    this.verifyIdToken = verify;
  }

  list(): OidcProviderConfig[] {
    return this.providers;
  }

  find(id: string): OidcProviderConfig | undefined {
    return this.providers.find((p) => p.id === id);
  }

  get publicUrl(): string {
    return this.settings.publicUrl;
  }

  /** Where the provider sends people back: registered at the provider as the redirect URI. */
  callbackUrl(id: string): string {
    return `${this.settings.publicUrl}/auth/oidc/${id}/callback`;
  }

  /** The provider ready to use; ERR_PROVIDER_UNAVAILABLE (503) when its discovery never loaded. */
  async ready(config: OidcProviderConfig): Promise<ReadyProvider> {
    const slot = this.slots.get(config.id) ?? { fetchedAt: 0, failedAt: 0 };
    this.slots.set(config.id, slot);
    const now = this.clock.now().getTime();
    const stale = now - slot.fetchedAt > DISCOVERY_TTL_MS;
    const mayRetry = now - slot.failedAt > RETRY_AFTER_MS;
    if (stale && mayRetry && !slot.pending) {
      slot.pending = this.load(config, slot).finally(() => {
        slot.pending = undefined;
      });
      // A stale but working document keeps serving while the new one loads.
      slot.pending.catch(() => undefined);
    }
    if (slot.ready) return slot.ready;
    try {
      if (slot.pending) return await slot.pending;
    } catch (error) {
      this.logger.warn(`discovery of ${config.id} failed: ${(error as Error).message}`);
    }
    throw new PortalError(
      'ERR_PROVIDER_UNAVAILABLE',
      `${config.name} cannot be reached right now; try again in a minute or use another way to sign in`,
      503,
    );
  }

  private async load(config: OidcProviderConfig, slot: Slot): Promise<ReadyProvider> {
    try {
      const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const metadata = parseDiscovery(await res.json(), config);
      const same = slot.ready && JSON.stringify(slot.ready.metadata) === JSON.stringify(metadata);
      if (!same) {
        const strategy = `atrium-oidc-${config.id}-${this.instance}`;
        const Strategy = oidcStrategyClass(strategy);
        // Constructing registers it with passport under `strategy`, replacing the previous one.
        new Strategy(config, metadata, this.callbackUrl(config.id), this.store, (req, token) =>
          this.verifyIdToken!(req, token),
        );
        slot.ready = { config, metadata, keys: remoteJwks(metadata.jwksUri), strategy };
      }
      slot.fetchedAt = this.clock.now().getTime();
      return slot.ready!;
    } catch (error) {
      slot.failedAt = this.clock.now().getTime();
      throw error;
    }
  }

  /** Forgets the strategies (tests start several portals in one process). */
  onModuleDestroy(): void {
    for (const slot of this.slots.values()) if (slot.ready) passport.unuse(slot.ready.strategy);
  }
}
