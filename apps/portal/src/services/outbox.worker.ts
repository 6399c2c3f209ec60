import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { signLogoutToken } from '@atrium/auth';
import type { LogoutOutboxEntity } from '../entities/outbox.entity.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { Clock } from '../common/clock.js';
import { KeyService } from './key.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { PollingWorker } from './polling-worker.js';

export interface OutboxOptions {
  /** How often to look for due deliveries. */
  pollMs: number;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
}

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

const BATCH = 20;
const MAX_BACKOFF_MS = 10 * 60_000;

/** 1 s, 2 s, 4 s … capped at 10 min: a node that is down is retried until it answers. */
export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/**
 * Delivers the logout outbox: one fresh logout token per attempt (they live 2 min), POSTed to the
 * node's back-channel logout URI, until the node answers 200. Rows are claimed with SKIP LOCKED,
 * so several portal replicas share the work.
 */
@Injectable()
export class OutboxWorker extends PollingWorker implements OnModuleInit {
  protected readonly logger = new Logger('outbox');

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly nodes: NodeRepository,
    private readonly keys: KeyService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {
    super();
  }

  onModuleInit(): void {
    this.schedule(this.options.pollMs);
  }

  /** Attempts every due delivery once; returns how many were delivered. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.outbox.claimDue(now, new Date(now.getTime() + this.options.timeoutMs * 2), BATCH);
    const results = await Promise.all(due.map((item) => this.deliver(item)));
    return results.filter(Boolean).length;
  }

  private async deliver(item: LogoutOutboxEntity): Promise<boolean> {
    try {
      const node = await this.nodes.findById(item.nodeId);
      if (!node?.backchannelLogoutUri) {
        // The node no longer takes back-channel logouts: nothing left to deliver to.
        await this.outbox.markDelivered(item.id, this.clock.now());
        return false;
      }
      const key = (await this.keys.signingState()).active[node.alg as 'EdDSA' | 'RS256'];
      if (!key) throw new Error(`no active ${node.alg} key`);
      const token = await signLogoutToken(key, {
        issuer: this.settings.publicUrl,
        audience: node.clientId,
        ...(item.sub ? { subject: item.sub } : {}),
        ...(item.sid ? { sid: item.sid } : {}),
      });
      const response = await fetch(node.backchannelLogoutUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status !== 200 && response.status !== 204) throw new Error(`HTTP ${response.status}`);
      await this.outbox.markDelivered(item.id, this.clock.now());
      return true;
    } catch (error) {
      const next = new Date(this.clock.now().getTime() + backoffMs(item.attempts));
      await this.outbox.markFailed(item.id, next, (error as Error).message);
      this.logger.warn(
        `logout ${item.id} to node ${item.nodeId} failed (attempt ${item.attempts}): ${(error as Error).message}`,
      );
      return false;
    }
  }
}
