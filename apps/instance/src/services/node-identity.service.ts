import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { parseSecretKey, type SecretKey } from '@atrium/auth';
import type { InstanceConfig } from '../config.js';
import { NodeSettingsRepository, type StoredCredentials } from '../repositories/node-settings.repository.js';
import { InstanceError } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

/** The instance's client credentials at the portal's issuer. */
export interface NodeCredentials {
  clientId: string;
  clientSecret: string;
}

const JOIN_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** The portal refused the join token (used, expired, unknown): retrying cannot help. */
class JoinRefused extends Error {}

/**
 * Where the instance's node credentials come from: `NODE_CLIENT_ID`/`NODE_CLIENT_SECRET`, else
 * what an earlier boot stored, else a first-boot join with `NODE_JOIN_TOKEN` (docs/contracts.md §3), whose
 * answer is stored in the settings table. The join retries in the background while the portal is
 * unreachable and stops for good when the portal refuses the token.
 */
@Injectable()
export class NodeIdentityService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('node-identity');
  private readonly sealKey: SecretKey | undefined;
  private credentials?: NodeCredentials;
  private joining?: Promise<NodeCredentials | undefined>;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = RETRY_MIN_MS;
  private refused = false;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly settings: NodeSettingsRepository,
  ) {
    this.sealKey = config.secretKey ? parseSecretKey(config.secretKey) : undefined;
  }

  onApplicationBootstrap(): void {
    void this.resolve();
  }

  onModuleDestroy(): void {
    clearTimeout(this.retryTimer);
  }

  /** The credentials, joining first if needed; `ERR_NOT_JOINED` (503) while there are none. */
  async current(): Promise<NodeCredentials> {
    const credentials = this.credentials ?? (await this.resolve());
    if (!credentials)
      throw new InstanceError('ERR_NOT_JOINED', 'this instance has not joined its portal yet', 503);
    return credentials;
  }

  private resolve(): Promise<NodeCredentials | undefined> {
    if (this.credentials) return Promise.resolve(this.credentials);
    this.joining ??= this.load().finally(() => (this.joining = undefined));
    return this.joining;
  }

  private async load(): Promise<NodeCredentials | undefined> {
    const { clientId, clientSecret } = this.config;
    if (clientId && clientSecret) return (this.credentials = { clientId, clientSecret });
    const stored = await this.settings.credentials();
    if (stored) return (this.credentials = this.open(stored));
    if (!this.config.joinToken || this.refused) return undefined;
    try {
      this.credentials = await this.settings.withJoinLock(() => this.joinOnce());
      this.logger.log(`joined the portal as client ${this.credentials.clientId}`);
      return this.credentials;
    } catch (error) {
      this.onJoinError(error as Error);
      return undefined;
    }
  }

  // Under the lock another replica may have joined already: its stored answer wins.
  private async joinOnce(): Promise<NodeCredentials> {
    const stored = await this.settings.credentials();
    if (stored) return this.open(stored);
    const answer = await this.join(this.config.joinToken!);
    await this.settings.saveCredentials(this.seal(answer));
    return { clientId: answer.clientId, clientSecret: answer.clientSecret };
  }

  private async join(token: string): Promise<NodeCredentials & { issuer: string }> {
    const response = await fetch(`${this.config.portalUrl}/api/cluster/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      redirect: 'error',
      signal: AbortSignal.timeout(JOIN_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status >= 400 && response.status < 500)
      throw new JoinRefused(`the portal refused the join token (HTTP ${response.status})`);
    if (response.status !== 200) throw new Error(`the portal answered HTTP ${response.status}`);
    const { clientId, clientSecret, issuer } = body;
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || typeof issuer !== 'string') {
      throw new Error('the portal answered the join without credentials');
    }
    if (issuer !== this.config.portalUrl)
      throw new JoinRefused(`the portal names issuer ${issuer}, not PORTAL_URL`);
    return { clientId, clientSecret, issuer };
  }

  private onJoinError(error: Error): void {
    if (error instanceof JoinRefused) {
      this.refused = true;
      this.logger.error(
        `cannot join the portal: ${error.message}; set a new NODE_JOIN_TOKEN or NODE_CLIENT_ID/NODE_CLIENT_SECRET`,
      );
      return;
    }
    this.logger.warn(
      `cannot reach the portal to join (${error.message}); retrying in ${this.retryMs / 1000}s`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.resolve(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private seal(answer: NodeCredentials & { issuer: string }): StoredCredentials {
    const aad = `node-credentials:${this.config.nodeName}`;
    return this.sealKey
      ? {
          clientId: answer.clientId,
          clientSecret: this.sealKey.encrypt(answer.clientSecret, aad),
          sealed: true,
          issuer: answer.issuer,
        }
      : { ...answer, sealed: false };
  }

  private open(stored: StoredCredentials): NodeCredentials {
    if (!stored.sealed) return { clientId: stored.clientId, clientSecret: stored.clientSecret };
    if (!this.sealKey)
      throw new InstanceError(
        'ERR_NOT_JOINED',
        'the stored client secret is sealed and ATRIUM_SECRET_KEY is not set',
        503,
      );
    return {
      clientId: stored.clientId,
      clientSecret: this.sealKey.decrypt(stored.clientSecret, `node-credentials:${this.config.nodeName}`),
    };
  }
}
