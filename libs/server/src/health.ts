import type { Server } from 'node:http';
import {
  Controller,
  DynamicModule,
  Get,
  HttpCode,
  Inject,
  type InjectionToken,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { answerMetrics, startMetricsListener } from './metrics-listener.js';
import { DEFAULT_OBSERVABILITY, type ObservabilityConfig } from './observability.js';

/** A named dependency the service needs to serve traffic: a database, a Redis. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const OBSERVABILITY = Symbol('OBSERVABILITY');
/** The service's name (portal, instance, worker), as metrics and log lines label it. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
const SERVICE_INFO = Symbol('SERVICE_INFO');

const CHECK_TIMEOUT_MS = 2000;

/** Runs every check with a timeout; never throws. */
export async function runChecks(checks: ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS))),
        ]);
        return [c.name, 'ok'] as const;
      } catch (error) {
        return [c.name, `failed: ${(error as Error).message}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

@Controller()
class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(OBSERVABILITY) private readonly observability: ObservabilityConfig,
    @Inject(SERVICE_INFO) private readonly info: { version?: string },
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok', ...this.info };
  }

  @Get('readyz')
  async readyz(@Res() res: Response) {
    const result = await runChecks(this.checks);
    res
      .status(result.ready ? 200 : 503)
      .json({ status: result.ready ? 'ready' : 'not ready', ...this.info, checks: result.checks });
  }

  /** Here only while no METRICS_PORT moves it to its own listener; METRICS_TOKEN guards it either way. */
  @Get('metrics')
  async metrics(@Req() req: Request, @Res() res: Response) {
    if (this.observability.metricsPort !== undefined) {
      res.status(404).json({ error: { code: 'ERR_NOT_FOUND', message: 'Not found or no access: /metrics' } });
      return;
    }
    await answerMetrics(this.registry, this.observability.metricsToken, req, res);
  }
}

/** Starts and stops the METRICS_PORT listener with the app. */
class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    private readonly registry: Registry,
    private readonly checks: ReadinessCheck[],
    private readonly config: ObservabilityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metricsPort === undefined) return;
    this.server = await startMetricsListener({
      port: this.config.metricsPort,
      host: this.config.metricsHost ?? '0.0.0.0',
      registry: this.registry,
      checks: this.checks,
      token: this.config.metricsToken,
    });
  }

  /** The listener's address, for tests with METRICS_PORT=0. */
  address() {
    return this.server?.address();
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export { MetricsListener };

export interface HealthOptions {
  /** Labels every metric with the service (portal, instance, worker). */
  service: string;
  /** The release the process runs, reported by `/healthz` and `/readyz` (the portal shows it to admins). */
  version?: string;
  /** Factories for the readiness checks, resolved from the module's providers. */
  checks?: { inject?: InjectionToken[]; useFactory: (...deps: never[]) => ReadinessCheck[] };
  /** LOG_*, METRICS_PORT and METRICS_TOKEN; defaults: JSON logs, `/metrics` open on the main port. */
  observability?: ObservabilityConfig;
}

/**
 * `/healthz` (the process is up), `/readyz` (its dependencies answer) and `/metrics` (Prometheus),
 * on the main port; with METRICS_PORT, also on a listener of their own, and `/metrics` only there.
 */
@Module({})
export class HealthModule {
  static register(options: HealthOptions): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: OBSERVABILITY, useValue: options.observability ?? DEFAULT_OBSERVABILITY },
        { provide: SERVICE_NAME, useValue: options.service },
        {
          provide: MetricsListener,
          inject: [METRICS_REGISTRY, READINESS_CHECKS, OBSERVABILITY],
          useFactory: (r: Registry, c: ReadinessCheck[], o: ObservabilityConfig) => new MetricsListener(r, c, o),
        },
        { provide: SERVICE_INFO, useValue: options.version ? { version: options.version } : {} },
        options.checks
          ? { provide: READINESS_CHECKS, inject: options.checks.inject ?? [], useFactory: options.checks.useFactory as (...a: unknown[]) => ReadinessCheck[] }
          : { provide: READINESS_CHECKS, useValue: [] },
      ],
      exports: [METRICS_REGISTRY, OBSERVABILITY, SERVICE_NAME, READINESS_CHECKS, MetricsListener],
    };
  }
}
