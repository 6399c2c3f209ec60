import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { bootstrapApp, migrateDatabase } from '@atrium/server';
import { PortalModule } from './app.module.js';
import { loadPortalConfig, type PortalConfig } from './config.js';
import { portalEntities } from './entities/index.js';
import { portalMigrations } from './migrations/index.js';

const UI_DIR = fileURLToPath(new URL('../ui', import.meta.url));

/** `atrium portal migrate`: creates the database when missing and applies pending migrations. */
export async function migrate(config: Pick<PortalConfig, 'databaseUrl'>): Promise<string[]> {
  return migrateDatabase({ url: config.databaseUrl, entities: portalEntities, migrations: portalMigrations });
}

/** `atrium portal serve`: migrates, then serves the API, the issuer and the UI. */
export async function serve(env: Record<string, string | undefined> = process.env) {
  const config = loadPortalConfig(env);
  const applied = await migrate(config);
  if (applied.length) new Logger('portal').log(`applied migrations: ${applied.join(', ')}`);
  const app = await bootstrapApp(PortalModule.forRoot(config), {
    port: config.port,
    host: config.host,
    uiDir: UI_DIR,
    trustedProxies: config.trustedProxies,
  });
  new Logger('portal').log(`portal listening on ${config.publicUrl}`);
  return app;
}
