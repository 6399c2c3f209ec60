import { type DynamicModule, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { HealthModule, createRedis, dataSourceOptions, databaseCheck, redisCheck } from '@atrium/server';
import type { InstanceConfig } from './config.js';
import { instanceEntities } from './entities/index.js';
import { instanceMigrations } from './migrations/index.js';

export const INSTANCE_CONFIG = Symbol('INSTANCE_CONFIG');
export const REDIS = Symbol('REDIS');

@Module({})
export class InstanceModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(config: InstanceConfig): DynamicModule {
    return {
      module: InstanceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: config.databaseUrl,
            entities: instanceEntities,
            migrations: instanceMigrations,
            applicationName: `atrium-instance-${config.nodeName}`,
          }),
        ),
        HealthModule.register({
          service: 'instance',
          checks: { inject: [DataSource, REDIS], useFactory: (ds: DataSource, redis: Redis) => [databaseCheck(ds), redisCheck(redis)] },
        }),
      ],
      providers: [
        { provide: INSTANCE_CONFIG, useValue: config },
        { provide: REDIS, useFactory: () => createRedis(config.redisUrl) },
      ],
      exports: [INSTANCE_CONFIG, REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
