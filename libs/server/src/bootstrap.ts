import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type INestApplication, Logger, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { ErrorCodeFilter, type FallbackHandler } from './errors.js';
import { METRICS_REGISTRY, OBSERVABILITY, SERVICE_NAME } from './health.js';
import { httpMetrics } from './http-metrics.js';
import { nestLogger, requestLogger, serviceLogger } from './logging.js';
import { loadNextUi } from './next-ui.js';
import { DEFAULT_OBSERVABILITY, type ObservabilityConfig } from './observability.js';
import { proxyMatcher, requestIdFor, withRequestId } from './request-context.js';
import { securityHeaders } from './security-headers.js';

export interface BootstrapOptions {
  port: number;
  host?: string;
  /** Folder of the app's Next.js UI (containing next.config.mjs), if it has one. */
  uiDir?: string;
  /** Proxies whose X-Forwarded-* headers are trusted (TRUSTED_PROXIES). */
  trustedProxies?: string[];
  logLevels?: LogLevel[];
  /** LOG_FORMAT, LOG_LEVEL, METRICS_PORT, METRICS_TOKEN. */
  observability?: ObservabilityConfig;
  /** The service's name in log lines (portal, instance, worker). */
  service?: string;
}

/**
 * Creates, configures and starts a Nest app the way every Atrium service runs: one error filter,
 * a whitelisting validation pipe, shutdown hooks, the UI mounted behind the API.
 */
export async function bootstrapApp(module: unknown, opts: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, {
    logger: nestLogger(opts.observability ?? DEFAULT_OBSERVABILITY, opts.service ?? 'atrium', opts.logLevels),
    bodyParser: true,
    // A module that fails to start is thrown to the caller; Nest's default exits the process.
    abortOnError: false,
  });
  const ui = opts.uiDir ? await loadNextUi(opts.uiDir) : null;
  if (opts.uiDir && !ui) new Logger('bootstrap').warn(`UI not built in ${opts.uiDir}; run npm run build`);
  configureApp(app, { trustedProxies: opts.trustedProxies, fallback: ui ?? undefined });
  app.enableShutdownHooks();
  await app.listen(opts.port, opts.host ?? '0.0.0.0');
  return app;
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface HttpPipelineOptions {
  trustedProxies?: string[];
  /** The service's public origin; https turns on HSTS. */
  publicUrl?: string;
  /** A fixed route label for requests that skip Express's router (the portal's issuer). */
  route?: string;
  /** Path prefixes whose pages load same-origin scripts without a nonce (the instance's /api/docs). */
  selfScriptPaths?: readonly string[];
}

/**
 * What every request of every app goes through before routing, in order: a request id (the
 * trusted proxy's X-Request-Id, else a new one) in scope for everything the request does, the
 * request log line, the request histogram and the security headers. Configured from the app's
 * HealthModule (its service name, registry and LOG_* settings).
 */
export function httpPipeline(app: INestApplication, opts: HttpPipelineOptions = {}): Middleware {
  const observability = app.get<ObservabilityConfig>(OBSERVABILITY, { strict: false });
  const service = app.get<string>(SERVICE_NAME, { strict: false });
  const registry = app.get<Registry>(METRICS_REGISTRY, { strict: false });
  const trusted = proxyMatcher(opts.trustedProxies ?? []);
  const steps: Middleware[] = [
    requestLogger(serviceLogger(observability, service)) as unknown as Middleware,
    httpMetrics(registry)(opts.route),
    securityHeaders({ https: (opts.publicUrl ?? '').startsWith('https:'), selfScriptPaths: opts.selfScriptPaths }),
  ];
  return (req, res, next) => {
    const requestId = requestIdFor(req, trusted);
    res.setHeader('X-Request-Id', requestId);
    withRequestId(requestId, () => {
      let i = 0;
      const step = (error?: unknown): void => {
        if (error || i === steps.length) return next(error);
        steps[i++]!(req, res, step);
      };
      step();
    });
  };
}

/** The settings shared by production and tests that build the app without listening. */
export function configureApp(
  app: INestApplication,
  opts: { trustedProxies?: string[]; fallback?: FallbackHandler; publicUrl?: string; selfScriptPaths?: readonly string[] } = {},
): void {
  const express = app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void; disable(k: string): void };
  express.disable('x-powered-by');
  // Client addresses come from X-Forwarded-For only when the hop is a configured proxy.
  express.set('trust proxy', opts.trustedProxies?.length ? opts.trustedProxies : false);
  app.use(httpPipeline(app, { trustedProxies: opts.trustedProxies, publicUrl: opts.publicUrl, selfScriptPaths: opts.selfScriptPaths }));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ErrorCodeFilter(opts.fallback));
}
