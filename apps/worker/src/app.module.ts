import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { HealthModule, createRedis, redisCheck } from '@atrium/server';
import type { WorkerConfig } from './config.js';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export const INSTANCE_REDIS = Symbol('INSTANCE_REDIS');

/** The worker's HTTP side: health of every instance's Redis and Prometheus metrics. */
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  constructor(@Inject(INSTANCE_REDIS) private readonly redis: Map<string, Redis>) {}

  static forRoot(config: WorkerConfig): DynamicModule {
    const connections = new Map(config.instances.map((i) => [i.name, createRedis(i.redisUrl)] as const));
    return {
      module: WorkerModule,
      global: true,
      imports: [
        HealthModule.register({
          service: 'worker',
          checks: {
            useFactory: () => [...connections].map(([name, redis]) => ({ ...redisCheck(redis), name: `redis:${name}` })),
          },
        }),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: INSTANCE_REDIS, useValue: connections },
      ],
      exports: [WORKER_CONFIG, INSTANCE_REDIS],
    };
  }

  onApplicationShutdown(): void {
    for (const redis of this.redis.values()) redis.disconnect();
  }
}
