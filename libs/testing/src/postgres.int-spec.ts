import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { HarnessError } from './errors.js';
import { freePort } from './ports.js';
import { startPostgres } from './postgres.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  afterAll(() => Promise.all(created.map((db) => db.drop())));

  it('creates an isolated, uniquely named database on the run’s Postgres', async () => {
    const [a, b] = await Promise.all([createTestDatabase('harness'), createTestDatabase('harness')]);
    created.push(a, b);
    expect(a.name).toMatch(/^harness_[0-9a-f]{12}$/);
    expect(a.name).not.toBe(b.name);

    await query(a.url, 'CREATE TABLE notes (body text NOT NULL)');
    await query(a.url, "INSERT INTO notes VALUES ('hello')");
    expect(await query<{ body: string }>(a.url, 'SELECT body FROM notes')).toEqual([{ body: 'hello' }]);
    const [{ current_database }] = await query<{ current_database: string }>(
      a.url,
      'SELECT current_database()',
    );
    expect(current_database).toBe(a.name);
    await expect(query(b.url, 'SELECT body FROM notes')).rejects.toThrow(/does not exist/);
  });

  it('drops the database, even with a connection still open', async () => {
    const db = await createTestDatabase('dropme');
    const open = new pg.Client({ connectionString: db.url });
    open.on('error', () => undefined);
    await open.connect();
    await db.drop();
    const server = db.url.replace(`/${db.name}`, '/postgres');
    const rows = await query(server, `SELECT 1 FROM pg_database WHERE datname = '${db.name}'`);
    expect(rows).toHaveLength(0);
    await open.end().catch(() => undefined);
  });

  it('refuses prefixes that are not plain identifiers', async () => {
    const hostile = [
      '',
      'Upper',
      '1digit',
      'a-b',
      'x"; DROP DATABASE postgres; --',
      'a'.repeat(41),
      'sp ace',
      'é',
    ];
    for (const prefix of hostile) {
      const error = await createTestDatabase(prefix).catch((caught: unknown) => caught);
      expect(error, prefix).toBeInstanceOf(HarnessError);
      expect((error as HarnessError).code, prefix).toBe('ERR_TEST_DB_PREFIX');
    }
  });
});

describe('startPostgres', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('uses DATABASE_URL when it answers, and leaves that server running on stop', async () => {
    process.env.DATABASE_URL = inject('postgresUrl');
    const postgres = await startPostgres();
    expect(postgres.url).toBe(inject('postgresUrl'));
    await postgres.stop();
    expect(await query(postgres.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('starts its own server when DATABASE_URL does not answer', async () => {
    process.env.DATABASE_URL = `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`;
    const postgres = await startPostgres();
    try {
      expect(postgres.url).not.toBe(process.env.DATABASE_URL);
      const [{ is_superuser }] = await query<{ is_superuser: string }>(postgres.url, 'SHOW is_superuser');
      expect(is_superuser).toBe('on');
    } finally {
      await postgres.stop();
    }
    await expect(query(postgres.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
