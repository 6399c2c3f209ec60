import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { parseSecretKey } from '@atrium/auth';
import { HealthModule, dataSourceOptions, databaseCheck } from '@atrium/server';
import { deriveKey, type PortalConfig } from './config.js';
import { AccountController } from './controllers/account.controller.js';
import { AdminAccessController } from './controllers/admin-access.controller.js';
import { AdminNodesController } from './controllers/admin-nodes.controller.js';
import { AdminSessionsController } from './controllers/admin-sessions.controller.js';
import { AdminUsersController } from './controllers/admin-users.controller.js';
import { AuthController } from './controllers/auth.controller.js';
import { ClusterController } from './controllers/cluster.controller.js';
import { EmailLinksController } from './controllers/email-links.controller.js';
import { InstancesController } from './controllers/instances.controller.js';
import { InteractionController } from './controllers/interaction.controller.js';
import { SetupController } from './controllers/setup.controller.js';
import { UpstreamController } from './controllers/upstream.controller.js';
import { portalEntities } from './entities/index.js';
import { AdminGuard } from './guards/admin.guard.js';
import { NodeAuthGuard } from './guards/node-auth.guard.js';
import { OriginGuard } from './guards/origin.guard.js';
import { PortalSessionGuard } from './guards/portal-session.guard.js';
import { Mailer } from './mail/mailer.js';
import { portalMigrations } from './migrations/index.js';
import { ISSUER_OPTIONS, IssuerService, type IssuerOptions } from './oidc/issuer.service.js';
import { portalRepositories } from './repositories/providers.js';
import { portalServices } from './services/providers.js';
import { upstreamServices } from './upstream/providers.js';
import { LDAP_CONFIG } from './upstream/ldap/ldap-sign-in.service.js';
import { UPSTREAM_OIDC_PROVIDERS } from './upstream/oidc/oidc-providers.service.js';
import { Clock } from './common/clock.js';
import { CONFIGURED_NODES } from './services/maintenance.service.js';
import { OUTBOX_OPTIONS, type OutboxOptions } from './services/outbox.worker.js';
import { PORTAL_SETTINGS, type PortalSettings } from './common/settings.js';

export const PORTAL_CONFIG = Symbol('PORTAL_CONFIG');

/** Timings tests shorten; production uses the defaults. */
export interface PortalRuntimeOptions {
  outbox?: Partial<OutboxOptions>;
  keyPollMs?: number;
  /** A clock tests can move. */
  clock?: Clock;
}

export function portalSettings(config: PortalConfig): PortalSettings {
  return {
    publicUrl: config.publicUrl,
    secretKey: parseSecretKey(config.secretKey.toString('base64')),
    sessionMaxAgeMs: config.sessionMaxAgeMs,
    sessionIdleMs: config.sessionIdleMs,
    disabledFeatures: config.disabledFeatures,
    defaultRole: config.defaultRole,
    selfRegistration: config.selfRegistration,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
  };
}

@Module({})
export class PortalModule {
  static forRoot(config: PortalConfig, runtime: PortalRuntimeOptions = {}): DynamicModule {
    const issuer: IssuerOptions = {
      cookieKeys: [deriveKey(config.secretKey, 'issuer-cookies')],
      trustProxy: config.trustedProxies.length > 0,
      keyPollMs: runtime.keyPollMs,
    };
    return {
      module: PortalModule,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: config.databaseUrl,
            entities: portalEntities,
            migrations: portalMigrations,
            applicationName: 'atrium-portal',
            poolSize: 20,
          }),
        ),
        HealthModule.register({
          service: 'portal',
          observability: config.observability,
          checks: { inject: [DataSource], useFactory: (ds: DataSource) => [databaseCheck(ds)] },
        }),
      ],
      controllers: [
        AuthController,
        AccountController,
        EmailLinksController,
        SetupController,
        InstancesController,
        ClusterController,
        InteractionController,
        UpstreamController,
        AdminUsersController,
        AdminNodesController,
        AdminAccessController,
        AdminSessionsController,
      ],
      providers: [
        { provide: PORTAL_CONFIG, useValue: config },
        { provide: PORTAL_SETTINGS, useValue: portalSettings(config) },
        { provide: ISSUER_OPTIONS, useValue: issuer },
        { provide: OUTBOX_OPTIONS, useValue: { pollMs: 1000, timeoutMs: 5000, ...runtime.outbox } },
        { provide: CONFIGURED_NODES, useValue: config.nodes },
        { provide: UPSTREAM_OIDC_PROVIDERS, useValue: config.oidcProviders },
        { provide: LDAP_CONFIG, useValue: config.ldap },
        ...upstreamServices,
        { provide: Clock, useValue: runtime.clock ?? new Clock() },
        { provide: APP_GUARD, useClass: OriginGuard },
        ...portalRepositories,
        ...portalServices,
        IssuerService,
        Mailer,
        PortalSessionGuard,
        NodeAuthGuard,
        AdminGuard,
      ],
      exports: [PORTAL_CONFIG],
    };
  }
}
