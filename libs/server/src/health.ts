import { Controller, DynamicModule, Get, Header, HttpCode, Inject, type InjectionToken, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** A named dependency the service needs to serve traffic: a database, a Redis. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

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
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Response) {
    const result = await runChecks(this.checks);
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response) {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}

export interface HealthOptions {
  /** Labels every metric with the service (portal, instance, worker). */
  service: string;
  /** Factories for the readiness checks, resolved from the module's providers. */
  checks?: { inject?: InjectionToken[]; useFactory: (...deps: never[]) => ReadinessCheck[] };
}

/** `/healthz` (the process is up), `/readyz` (its dependencies answer) and `/metrics` (Prometheus). */
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
        options.checks
          ? { provide: READINESS_CHECKS, inject: options.checks.inject ?? [], useFactory: options.checks.useFactory as (...a: unknown[]) => ReadinessCheck[] }
          : { provide: READINESS_CHECKS, useValue: [] },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
