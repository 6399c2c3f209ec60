import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import type { MailContent } from './templates.js';

// A dead mail server must not hold a delivery (and its outbox lease) for minutes.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** The SMTP side (nodemailer over SMTP_URL): one pooled transport per process. */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private transport?: Transporter;

  constructor(@Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings) {}

  /** True when SMTP_URL is set. */
  get configured(): boolean {
    return !!this.settings.smtpUrl;
  }

  async send(to: string, mail: MailContent): Promise<void> {
    if (!this.settings.smtpUrl) throw new Error('SMTP_URL is not set');
    this.transport ??= nodemailer.createTransport({
      url: this.settings.smtpUrl,
      pool: true,
      maxConnections: 2,
      ...TIMEOUTS,
    });
    await this.transport.sendMail({
      from: this.settings.mailFrom,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
