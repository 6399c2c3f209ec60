import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { parseSecretKey } from '@atrium/auth';
import { dataSourceOptions } from '@atrium/server';
import { portalEntities } from './entities/index.js';
import { portalMigrations } from './migrations/index.js';
import { portalRepositories } from './repositories/providers.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { OutboxRepository } from './repositories/outbox.repository.js';
import { AdmissionService } from './services/admission.service.js';
import { AccountService } from './services/account.service.js';
import { AppPasswordService } from './services/app-password.service.js';
import { InvitationService } from './services/invitation.service.js';
import { MailService } from './services/mail.service.js';
import { Clock } from './common/clock.js';
import { GrantService } from './services/grant.service.js';
import { KeyService } from './services/key.service.js';
import { LoginAuditService } from './services/login-audit.service.js';
import { NodeService } from './services/node.service.js';
import { RevocationService } from './services/revocation.service.js';
import { SessionAdminService } from './services/session-admin.service.js';
import { SessionService } from './services/session.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from './common/settings.js';
import { SetupService } from './services/setup.service.js';
import { ThrottleService } from './services/throttle.service.js';

/** Where admin commands find the portal: its database and the cluster's secret key. */
export interface PortalAdminOptions {
  databaseUrl: string;
  /** ATRIUM_SECRET_KEY (base64): seals TOTP secrets and signing keys. */
  secretKey: string;
  /** The portal's public URL, shown as the issuer in printed credentials; empty when unknown. */
  publicUrl?: string;
  /** SMTP_URL: with it, invitations are mailed (by the portal, from the mail outbox); without, their link is printed. */
  smtpUrl?: string;
  mailFrom?: string;
}

/** The portal's services without its HTTP side, issuer or background workers: what the CLI runs. */
@Module({})
class PortalAdminModule {
  static forRoot(options: PortalAdminOptions): DynamicModule {
    const settings: PortalSettings = {
      publicUrl: options.publicUrl ?? '',
      secretKey: parseSecretKey(options.secretKey),
      sessionMaxAgeMs: 12 * 3_600_000,
      sessionIdleMs: 2 * 3_600_000,
      disabledFeatures: [],
      defaultRole: 'guest',
      selfRegistration: false,
      smtpUrl: options.smtpUrl,
      mailFrom: options.mailFrom ?? 'Atrium <atrium@localhost.localdomain>',
    };
    return {
      module: PortalAdminModule,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: options.databaseUrl,
            entities: portalEntities,
            migrations: portalMigrations,
            applicationName: 'atrium-cli',
            poolSize: 2,
          }),
        ),
      ],
      providers: [
        { provide: PORTAL_SETTINGS, useValue: settings },
        { provide: Clock, useValue: new Clock() },
        ...portalRepositories,
        AdmissionService,
        AccountService,
        AppPasswordService,
        GrantService,
        InvitationService,
        MailService,
        KeyService,
        LoginAuditService,
        NodeService,
        RevocationService,
        SessionAdminService,
        SessionService,
        SetupService,
        ThrottleService,
      ],
    };
  }
}

/** Handles on the portal's admin services for one command; `close()` releases the database. */
export interface PortalAdmin {
  accounts: AccountService;
  appPasswords: AppPasswordService;
  invitations: InvitationService;
  nodes: NodeService;
  grants: GrantService;
  admission: AdmissionService;
  keys: KeyService;
  sessions: SessionAdminService;
  setup: SetupService;
  audit: AuditRepository;
  /** The sign-in audit, paged and searchable. */
  logins: LoginAuditService;
  outbox: OutboxRepository;
  close(): Promise<void>;
}

/**
 * Opens the portal's database for admin commands (PhotoPrism-style: the CLI acts on the database
 * directly). What needs the portal process, a back-channel logout, goes through the outbox.
 */
export async function openPortalAdmin(options: PortalAdminOptions): Promise<PortalAdmin> {
  const app = await NestFactory.createApplicationContext(PortalAdminModule.forRoot(options), {
    logger: ['error'],
    // Thrown to the command, which prints it; Nest's default would exit the process.
    abortOnError: false,
  });
  return {
    accounts: app.get(AccountService),
    appPasswords: app.get(AppPasswordService),
    invitations: app.get(InvitationService),
    nodes: app.get(NodeService),
    grants: app.get(GrantService),
    admission: app.get(AdmissionService),
    keys: app.get(KeyService),
    sessions: app.get(SessionAdminService),
    setup: app.get(SetupService),
    audit: app.get(AuditRepository),
    logins: app.get(LoginAuditService),
    outbox: app.get(OutboxRepository),
    close: () => app.close(),
  };
}
