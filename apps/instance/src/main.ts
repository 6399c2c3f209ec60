import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded } from 'express';
import type { Redis } from 'ioredis';
import { configureApp, loadNextUi, migrateDatabase, nestLogger, rateLimit } from '@atrium/server';
import { InstanceModule, REDIS, type InstanceRuntimeOptions } from './app.module.js';
import { loadInstanceConfig, type InstanceConfig } from './config.js';
import { instanceEntities } from './entities/index.js';
import { instanceMigrations } from './migrations/index.js';
import { WEBDAV_PATH, WebdavService } from './webdav/webdav.service.js';
import { DOWNLOADS_PATH, MAX_SELECTION } from './dtos/download.dto.js';

const UI_DIR = fileURLToPath(new URL('../ui', import.meta.url));

/** `atrium instance migrate`: creates the database when missing and applies pending migrations. */
export async function migrate(config: Pick<InstanceConfig, 'databaseUrl'>): Promise<string[]> {
  return migrateDatabase({
    url: config.databaseUrl,
    entities: instanceEntities,
    migrations: instanceMigrations,
  });
}

export interface InstanceAppOptions {
  /** The Next.js UI folder; none in tests of the API alone. */
  uiDir?: string;
  logLevels?: LogLevel[];
  runtime?: InstanceRuntimeOptions;
}

function mountApiDocs(app: NestExpressApplication, config: InstanceConfig): void {
  const document = new DocumentBuilder()
    .setTitle(`Atrium library "${config.nodeName}"`)
    .setDescription(
      'The REST API of one Atrium instance. Sign in at /auth/login; state-changing requests need X-CSRF-Token.',
    )
    .setVersion('1')
    .addCookieAuth(`atrium_${config.nodeName}`)
    .build();
  SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
}

/** Builds the instance: API, OpenAPI docs at /api/docs, then the UI for every other page. Initialized, not listening. */
export async function createInstanceApp(
  config: InstanceConfig,
  options: InstanceAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    InstanceModule.forRoot(config, options.runtime),
    {
      bodyParser: false,
      logger: nestLogger(config.observability, 'instance', options.logLevels),
      // Nest's default calls process.exit(1) when a module fails to start or app.get() misses;
      // a failure is thrown to the caller instead (serve() reports it, a test fails, never dies).
      abortOnError: false,
    },
  );
  const ui = options.uiDir ? await loadNextUi(options.uiDir) : null;
  if (options.uiDir && !ui)
    new Logger('instance').warn(`UI not built in ${options.uiDir}; run npm run build`);
  // First, so that requests refused by the body parsers are logged and carry the headers too.
  configureApp(app, {
    trustedProxies: config.trustedProxies,
    publicUrl: config.publicUrl,
    fallback: ui ?? undefined,
    selfScriptPaths: ['/api/docs'],
  });
  // WebDAV has its own sign-in throttle; sync apps send many requests, which the API's limits would cut.
  app.use(WEBDAV_PATH, app.get(WebdavService).handler());
  // Counted in the instance's Redis, so every replica shares them (docs/configuration.md).
  app.use(
    rateLimit({
      redis: app.get<Redis>(REDIS),
      prefix: `atrium-${config.nodeName}`,
      sessionCookie: `atrium_${config.nodeName}`,
      limits: config.rateLimits,
    }),
  );
  // A selection to zip names up to 10,000 ids (DownloadSelectionDto): about 400 kB, as JSON or as
  // the browser's form post (one `ids` field each), which the limits below would refuse.
  app.use(
    DOWNLOADS_PATH,
    json({ limit: '512kb' }),
    urlencoded({ extended: false, limit: '512kb', parameterLimit: MAX_SELECTION + 10 }),
  );
  app.useBodyParser('json', { limit: '256kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  // Routes added after init would come after Nest's 404 handler, so the docs are mounted first.
  mountApiDocs(app, config);
  app.enableShutdownHooks();
  await app.init();
  return app;
}

/** `atrium instance serve`: migrates, then serves this library's API and UI. */
export async function serve(env: Record<string, string | undefined> = process.env) {
  const config = loadInstanceConfig(env);
  const applied = await migrate(config);
  const logger = new Logger(`instance ${config.nodeName}`);
  if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
  const app = await createInstanceApp(config, { uiDir: UI_DIR });
  await app.listen(config.port, config.host);
  logger.log(`instance ${config.nodeName} listening on ${config.publicUrl}`);
  return app;
}
