import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SessionService } from './session.service.js';

const PURGE_EVERY_MS = 10 * 60_000;

/** Removes expired sessions now and then; lookups refuse them anyway, this only keeps the table small. */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('maintenance');
  private timer?: NodeJS.Timeout;

  constructor(private readonly sessions: SessionService) {}

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
    } catch (error) {
      this.logger.warn(`session purge failed: ${(error as Error).message}`);
    }
  }
}
