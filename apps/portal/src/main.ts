import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { configureApp, httpPipeline, loadNextUi, migrateDatabase, nestLogger } from '@atrium/server';
import { PortalModule, type PortalRuntimeOptions } from './app.module.js';
import { loadPortalConfig, type PortalConfig } from './config.js';
import { portalEntities } from './entities/index.js';
import { adminPages } from './guards/admin-pages.js';
import { AdminGuard } from './guards/admin.guard.js';
import { portalMigrations } from './migrations/index.js';
import { IssuerService, isIssuerPath } from './oidc/issuer.service.js';
import { SessionService } from './services/session.service.js';

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
 * The issuer's requests go from the HTTP server straight to oidc-provider (a Koa app that reads its
 * own request bodies), before Express and Nest's body parsers: the code flow is the portal's
 * busiest path, and Express routing did nothing for it.
 */
function serveIssuerFirst(app: NestExpressApplication, server: Server, issuer: IssuerService, config: PortalConfig): void {
  // The same request id, log line, histogram and security headers as every other request.
  const pipeline = httpPipeline(app, { trustedProxies: config.trustedProxies, publicUrl: config.publicUrl, route: '(oidc)' });
  const rest = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const logger = new Logger('issuer');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!isIssuerPath((req.url ?? '/').split('?', 1)[0]!)) {
      for (const listener of rest) listener(req, res);
      return;
    }
    pipeline(req, res, () =>
      issuer.handle(req, res).catch((error: unknown) => {
        logger.error(error);
        if (res.headersSent) res.destroy();
        else res.writeHead(500).end();
      }),
    );
  });
}

/** The OpenAPI document of the portal's own API (the issuer's endpoints are described by discovery). */
function mountApiDocs(app: NestExpressApplication): void {
  const document = new DocumentBuilder()
    .setTitle('Atrium portal')
    .setDescription(
      'The REST API of the Atrium portal: sign-in, the account page, the chooser and the node API. ' +
        'State-changing requests need X-CSRF-Token; the node API takes HTTP Basic with node credentials. ' +
        'The OIDC issuer lives under /oidc (see /.well-known/openid-configuration).',
    )
    .setVersion('1')
    .addCookieAuth(app.get(SessionService).cookie().name)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Node client id and secret' }, 'node')
    .build();
  SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
}

/**
 * Builds the portal: the issuer (a Koa app) in front of everything, then the API, then the UI for
 * every other page. Initialized, not yet listening.
 */
export async function createPortalApp(
  config: PortalConfig,
  options: PortalAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    PortalModule.forRoot(config, options.runtime),
    {
      bodyParser: false,
      logger: nestLogger(config.observability, 'portal', options.logLevels),
      // Nest's default calls process.exit(1) when a module fails to start or app.get() misses;
      // a failure is thrown to the caller instead (serve() reports it, a test fails, never dies).
      abortOnError: false,
    },
  );
  const ui = options.uiDir ? await loadNextUi(options.uiDir) : null;
  if (options.uiDir && !ui) new Logger('portal').warn(`UI not built in ${options.uiDir}; run npm run build`);
  // First, so that requests refused by the body parsers are logged and carry the headers too.
  configureApp(app, { trustedProxies: config.trustedProxies, publicUrl: config.publicUrl, fallback: ui ?? undefined });
  app.useBodyParser('json', { limit: '64kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.use(cookieParser());
  app.use(adminPages(app.get(AdminGuard)));
  // Routes added after init would come after Nest's 404 handler, so the docs are mounted first.
  mountApiDocs(app);
  app.enableShutdownHooks();
  await app.init();
  serveIssuerFirst(app, app.getHttpServer() as Server, app.get(IssuerService), config);
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
