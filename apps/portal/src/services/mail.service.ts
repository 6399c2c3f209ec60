import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import type { MailOutboxEntity } from '../entities/email.entity.js';
import { Mailer } from '../mail/mailer.js';
import type { MailContent } from '../mail/templates.js';
import { MailOutboxRepository } from '../repositories/mail-outbox.repository.js';
import { backoffMs, OUTBOX_OPTIONS, type OutboxOptions } from './outbox.worker.js';
import { PollingWorker } from './polling-worker.js';

const BATCH = 10;
// About an hour and a half of retries (1 s, 2 s, … 10 min): past that, the links it carries are stale.
const MAX_ATTEMPTS = 14;

const aad = (recipient: string) => `mail:${recipient}`;

/**
 * Mail goes out through a durable outbox: a link is queued in the same transaction that made it,
 * and the answer to the person asking never waits on (or reveals) a mail server.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** True when SMTP_URL is set, so queued mail is sent. */
  get enabled(): boolean {
    return !!this.settings.smtpUrl;
  }

  /** Queues a mail; its content is sealed with ATRIUM_SECRET_KEY while it waits. */
  async queue(recipient: string, purpose: string, mail: MailContent, em?: EntityManager): Promise<void> {
    const sealed = this.settings.secretKey.encrypt(JSON.stringify(mail), aad(recipient));
    await this.outbox.enqueue({ recipient, sealed, purpose }, this.clock.now(), em);
  }

  open(item: MailOutboxEntity): MailContent {
    return JSON.parse(this.settings.secretKey.decrypt(item.sealed, aad(item.recipient))) as MailContent;
  }
}

/** Sends the mail outbox over SMTP (only in the portal process, and only with SMTP_URL). */
@Injectable()
export class MailWorker extends PollingWorker implements OnModuleInit {
  protected readonly logger = new Logger('mail');

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly mail: MailService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {
    super();
  }

  onModuleInit(): void {
    if (this.mailer.configured) this.schedule(this.options.pollMs);
  }

  /** Attempts every due mail once; returns how many were sent. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.outbox.claimDue(now, new Date(now.getTime() + 60_000), BATCH);
    const sent = await Promise.all(due.map((item) => this.deliver(item)));
    return sent.filter(Boolean).length;
  }

  private async deliver(item: MailOutboxEntity): Promise<boolean> {
    try {
      await this.mailer.send(item.recipient, this.mail.open(item));
      await this.outbox.delete(item.id);
      return true;
    } catch (error) {
      const message = (error as Error).message;
      if (item.attempts >= MAX_ATTEMPTS) {
        this.logger.error(
          `${item.purpose} mail ${item.id} dropped after ${item.attempts} attempts: ${message}`,
        );
        await this.outbox.delete(item.id);
        return false;
      }
      this.logger.warn(`${item.purpose} mail ${item.id} failed (attempt ${item.attempts}): ${message}`);
      await this.outbox.markFailed(
        item.id,
        new Date(this.clock.now().getTime() + backoffMs(item.attempts)),
        message,
      );
      return false;
    }
  }
}
