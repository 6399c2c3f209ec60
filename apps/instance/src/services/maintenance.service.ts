import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SessionService } from './session.service.js';
import { ShareService } from './share.service.js';

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Removes expired sessions and share-link unlocks now and then; lookups refuse them anyway, this
 * only keeps the tables small.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('maintenance');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionService,
    private readonly share: ShareService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async purge(): Promise<void> {
    try {
      const removed = await this.sessions.purgeExpired();
      if (removed) this.logger.log(`removed ${removed} expired session(s)`);
      await this.share.purgeUnlocks();
    } catch (error) {
      this.logger.warn(`session purge failed: ${(error as Error).message}`);
    }
  }
}
