import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HealthModule, dataSourceOptions, databaseCheck } from '@atrium/server';
import type { PortalConfig } from './config.js';
import { portalEntities } from './entities/index.js';
import { portalMigrations } from './migrations/index.js';

export const PORTAL_CONFIG = Symbol('PORTAL_CONFIG');

@Module({})
export class PortalModule {
  static forRoot(config: PortalConfig): DynamicModule {
    return {
      module: PortalModule,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions({ url: config.databaseUrl, entities: portalEntities, migrations: portalMigrations, applicationName: 'atrium-portal' }),
        ),
        HealthModule.register({
          service: 'portal',
          checks: { inject: [DataSource], useFactory: (ds: DataSource) => [databaseCheck(ds)] },
        }),
      ],
      providers: [{ provide: PORTAL_CONFIG, useValue: config }],
      exports: [PORTAL_CONFIG],
    };
  }
}
