import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { HarnessError } from './errors.js';
import { POSTGRES_URL_KEY } from './provided-context.js';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** URL of the new database, with the server's superuser credentials. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

// Database names are identifiers: a strict prefix keeps quoting trivial and names under 63 bytes.
const PREFIX = /^[a-z][a-z0-9_]{0,39}$/;

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database on the run's Postgres (`inject('postgresUrl')`, or
 * `options.serverUrl`), so test files can run in parallel.
 */
export async function createTestDatabase(
  prefix = 'test',
  options: { serverUrl?: string } = {},
): Promise<TestDatabase> {
  if (!PREFIX.test(prefix)) {
    throw new HarnessError(
      'ERR_TEST_DB_PREFIX',
      `database prefix must match ${PREFIX}: ${JSON.stringify(prefix)}`,
    );
  }
  const serverUrl = options.serverUrl ?? inject(POSTGRES_URL_KEY);
  if (!serverUrl) {
    throw new HarnessError(
      'ERR_POSTGRES_URL_MISSING',
      'no Postgres URL: run under the int or e2e vitest project',
    );
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
