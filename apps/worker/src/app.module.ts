import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { HealthModule, createRedis, redisCheck } from '@atrium/server';
import type { WorkerConfig } from './config.js';
import { MediaWorkersService } from './services/media-workers.service.js';
import { INSTANCE_REDIS, WORKER_CONFIG } from './common/tokens.js';

export { INSTANCE_REDIS, WORKER_CONFIG } from './common/tokens.js';

/**
 * The worker: BullMQ workers for every instance's queues, and on WORKER_PORT `/healthz`, `/readyz`
 * (each instance's Redis answers) and `/metrics`.
 */
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
          observability: config.observability,
          checks: {
            useFactory: () => [...connections].map(([name, redis]) => ({ ...redisCheck(redis), name: `redis:${name}` })),
          },
        }),
      ],
      providers: [
        MediaWorkersService,
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
