import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { configureApp, loadNextUi, migrateDatabase } from '@atrium/server';
import { PortalModule, type PortalRuntimeOptions } from './app.module.js';
import { loadPortalConfig, type PortalConfig } from './config.js';
import { portalEntities } from './entities/index.js';
import { portalMigrations } from './migrations/index.js';
import { IssuerService, isIssuerPath } from './oidc/issuer.service.js';

/** The portal's Next.js UI (built by `npm run build`). */
export const UI_DIR = fileURLToPath(new URL('../ui', import.meta.url));

/** `atrium portal migrate`: creates the database when missing and applies pending migrations. */
export async function migrate(config: PortalConfig): Promise<string[]> {
  return migrateDatabase({ url: config.databaseUrl, entities: portalEntities, migrations: portalMigrations });
}

export interface PortalAppOptions {
  /** The Next.js UI folder; none in tests of the API alone. */
  uiDir?: string;
  logLevels?: LogLevel[];
  runtime?: PortalRuntimeOptions;
}

/**
 * Builds the portal: the issuer (a Koa app) in front of any body parser, then the API, then the
 * UI for every other page. Initialized, not yet listening.
 */
export async function createPortalApp(
  config: PortalConfig,
  options: PortalAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    PortalModule.forRoot(config, options.runtime),
    {
      bodyParser: false,
      logger: options.logLevels ?? ['error', 'warn', 'log'],
    },
  );
  const issuer = app.get(IssuerService);
  // No page of the portal may be framed: sign-in and logout confirmations are click targets.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  // oidc-provider reads its own request bodies, so it must come before Nest's parsers.
  app.use((req: Request, res: Response, next: NextFunction) =>
    isIssuerPath(req.path) ? issuer.handle(req, res).catch(next) : next(),
  );
  app.useBodyParser('json', { limit: '64kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.use(cookieParser());
  const ui = options.uiDir ? await loadNextUi(options.uiDir) : null;
  if (options.uiDir && !ui) new Logger('portal').warn(`UI not built in ${options.uiDir}; run npm run build`);
  configureApp(app, { trustedProxies: config.trustedProxies, fallback: ui ?? undefined });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

/** `atrium portal serve`: migrates, then serves the API, the issuer and the UI. */
export async function serve(env: Record<string, string | undefined> = process.env) {
  const config = loadPortalConfig(env);
  const applied = await migrate(config);
  if (applied.length) new Logger('portal').log(`applied migrations: ${applied.join(', ')}`);
  const app = await createPortalApp(config, { uiDir: UI_DIR });
  await app.listen(config.port, config.host);
  new Logger('portal').log(`portal listening on ${config.publicUrl}`);
  return app;
}
