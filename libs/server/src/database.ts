import { DataSource, type DataSourceOptions } from 'typeorm';
import type { ReadinessCheck } from './health.js';

export interface DatabaseOptions {
  url: string;
  /** Entity classes of the app. */
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes of the app, in order; the schema only changes through these. */
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /** A name for `application_name`, shown in pg_stat_activity. */
  applicationName?: string;
  poolSize?: number;
  logging?: boolean;
  /**
   * Session settings every pooled connection takes before its first query (`SET name = value`),
   * set from the pool's connect hook rather than a startup parameter, which poolers such as
   * PgBouncer refuse.
   */
  sessionSettings?: Readonly<Record<string, string | number>>;
}

const SETTING_NAME = /^[a-z][a-z0-9_.]*$/;

/** The pool's connect hook for {@link DatabaseOptions.sessionSettings}; none when there are none. */
function sessionHook(settings: Readonly<Record<string, string | number>> = {}) {
  const entries = Object.entries(settings);
  if (!entries.length) return {};
  for (const [name] of entries) if (!SETTING_NAME.test(name)) throw new Error(`not a Postgres setting name: ${name}`);
  return {
    onConnect: async (client: { query(sql: string, values: unknown[]): Promise<unknown> }) => {
      for (const [name, value] of entries) await client.query('SELECT set_config($1, $2, false)', [name, String(value)]);
    },
  };
}

/** TypeORM options for an Atrium database: Postgres, migrations only, never `synchronize`. */
export function dataSourceOptions(opts: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'atrium_migrations',
    // Schema changes go through migrations, reviewed and ordered; synchronize could drop columns.
    synchronize: false,
    migrationsRun: false,
    logging: opts.logging ? ['error', 'warn', 'migration'] : ['error'],
    applicationName: opts.applicationName ?? 'atrium',
    extra: { max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000, ...sessionHook(opts.sessionSettings) },
  };
}

export function createDataSource(opts: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(opts));
}

/**
 * Applies pending migrations in one transaction each, under a Postgres advisory lock so that
 * several replicas starting together migrate once. Returns the names of the applied migrations.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const wasInitialized = dataSource.isInitialized;
  if (!wasInitialized) await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
    if (!wasInitialized) await dataSource.destroy();
  }
}

/** Migrations not yet applied, by name. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const has = await dataSource.showMigrations();
  if (!has) return [];
  const applied = new Set<string>(
    (await dataSource.query(`SELECT name FROM atrium_migrations`).catch(() => [])).map((r: { name: string }) => r.name),
  );
  return dataSource.migrations.map((m) => m.name!).filter((n) => !applied.has(n));
}

const MIGRATION_LOCK = 0x41747269; // "Atri"

/** Readiness: the database answers a trivial query. */
export function databaseCheck(dataSource: DataSource): ReadinessCheck {
  return { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) };
}

/** Creates the database named in `url` when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`Unsupported database name ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** `atrium <app> migrate`: creates the database when missing, then applies pending migrations. */
export async function migrateDatabase(opts: DatabaseOptions): Promise<string[]> {
  await ensureDatabase(opts.url);
  return runMigrations(createDataSource(opts));
}
