import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { bootstrapApp, migrateDatabase } from '@atrium/server';
import { InstanceModule } from './app.module.js';
import { loadInstanceConfig, type InstanceConfig } from './config.js';
import { instanceEntities } from './entities/index.js';
import { instanceMigrations } from './migrations/index.js';

const UI_DIR = fileURLToPath(new URL('../ui', import.meta.url));

/** `atrium instance migrate`: creates the database when missing and applies pending migrations. */
export async function migrate(config: Pick<InstanceConfig, 'databaseUrl'>): Promise<string[]> {
  return migrateDatabase({ url: config.databaseUrl, entities: instanceEntities, migrations: instanceMigrations });
}

/** `atrium instance serve`: migrates, then serves this library's API and UI. */
export async function serve(env: Record<string, string | undefined> = process.env) {
  const config = loadInstanceConfig(env);
  const applied = await migrate(config);
  const logger = new Logger(`instance ${config.nodeName}`);
  if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
  const app = await bootstrapApp(InstanceModule.forRoot(config), {
    port: config.port,
    host: config.host,
    uiDir: UI_DIR,
    trustedProxies: config.trustedProxies,
  });
  logger.log(`instance ${config.nodeName} listening on ${config.publicUrl}`);
  return app;
}
