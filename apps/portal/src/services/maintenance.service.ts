import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { EmailLinkRepository } from '../repositories/email-link.repository.js';
import { OidcPayloadRepository } from '../repositories/oidc-payload.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { UpstreamRepository } from '../repositories/upstream.repository.js';
import { Clock } from '../common/clock.js';
import { NodeService, type ConfiguredNode } from './node.service.js';

export const CONFIGURED_NODES = Symbol('CONFIGURED_NODES');

const SWEEP_EVERY_MS = 10 * 60_000;
const KEEP_DELIVERED_MS = 7 * 24 * 3_600_000;

/** At start, registers the nodes of ATRIUM_NODES; then sweeps expired rows now and then. */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('maintenance');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly nodes: NodeService,
    private readonly payloads: OidcPayloadRepository,
    private readonly sessions: SessionRepository,
    private readonly outbox: OutboxRepository,
    private readonly links: EmailLinkRepository,
    private readonly upstream: UpstreamRepository,
    private readonly clock: Clock,
    @Inject(CONFIGURED_NODES) private readonly configured: ConfiguredNode[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nodes.upsertConfigured(this.configured);
    this.timer = setInterval(() => void this.sweep().catch((e) => this.logger.error(e)), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    const now = this.clock.now();
    await this.payloads.deleteExpired(now);
    await this.sessions.deleteExpired(now);
    await this.outbox.deleteDeliveredBefore(new Date(now.getTime() - KEEP_DELIVERED_MS));
    // Expired and used links are kept a week, so "expired" can still be told apart from "unknown" in logs.
    await this.links.deleteExpired(new Date(now.getTime() - KEEP_DELIVERED_MS));
    // OIDC sign-ins started and never answered (the tab was closed).
    await this.upstream.purgeStates(now);
  }
}
