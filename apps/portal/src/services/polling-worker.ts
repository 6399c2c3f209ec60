import type { Logger, OnModuleDestroy } from '@nestjs/common';

/**
 * The poll loop both outboxes share (logout deliveries, mail): every `pollMs` it runs `deliverDue`
 * once, logs a failed round instead of dying, and on shutdown waits for the round in flight.
 */
export abstract class PollingWorker implements OnModuleDestroy {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  /** Attempts every due item once; returns how many went out. */
  abstract deliverDue(): Promise<number>;

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  protected schedule(pollMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .catch((error) => this.logger.error(error))
        .then(() => this.schedule(pollMs));
    }, pollMs);
    this.timer.unref();
  }
}
