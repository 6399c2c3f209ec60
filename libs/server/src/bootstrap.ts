import 'reflect-metadata';
import { type INestApplication, Logger, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorCodeFilter, type FallbackHandler } from './errors.js';
import { loadNextUi } from './next-ui.js';

export interface BootstrapOptions {
  port: number;
  host?: string;
  /** Folder of the app's Next.js UI (containing next.config.mjs), if it has one. */
  uiDir?: string;
  /** Proxies whose X-Forwarded-* headers are trusted (TRUSTED_PROXIES). */
  trustedProxies?: string[];
  logLevels?: LogLevel[];
}

/**
 * Creates, configures and starts a Nest app the way every Atrium service runs: one error filter,
 * a whitelisting validation pipe, shutdown hooks, the UI mounted behind the API.
 */
export async function bootstrapApp(module: unknown, opts: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, {
    logger: opts.logLevels ?? ['error', 'warn', 'log'],
    bodyParser: true,
  });
  const ui = opts.uiDir ? await loadNextUi(opts.uiDir) : null;
  if (opts.uiDir && !ui) new Logger('bootstrap').warn(`UI not built in ${opts.uiDir}; run npm run build`);
  configureApp(app, { trustedProxies: opts.trustedProxies, fallback: ui ?? undefined });
  app.enableShutdownHooks();
  await app.listen(opts.port, opts.host ?? '0.0.0.0');
  return app;
}

/** The settings shared by production and tests that build the app without listening. */
export function configureApp(
  app: INestApplication,
  opts: { trustedProxies?: string[]; fallback?: FallbackHandler } = {},
): void {
  const express = app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void; disable(k: string): void };
  express.disable('x-powered-by');
  // Client addresses come from X-Forwarded-For only when the hop is a configured proxy.
  express.set('trust proxy', opts.trustedProxies?.length ? opts.trustedProxies : false);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ErrorCodeFilter(opts.fallback));
}
