import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { getSetting, putSetting } from '@atrium/server';

/** Node credentials as the settings table keeps them; the secret is sealed when a key is configured. */
export interface StoredCredentials {
  clientId: string;
  clientSecret: string;
  sealed: boolean;
  issuer: string;
}

const CREDENTIALS_KEY = 'node.credentials';
// Two replicas booting together must redeem the one-time join token once.
const JOIN_LOCK = 0x4a6f696e; // "Join"

/** The instance's own settings: its node credentials at the portal. */
@Injectable()
export class NodeSettingsRepository {
  constructor(private readonly db: DataSource) {}

  credentials(): Promise<StoredCredentials | undefined> {
    return getSetting<StoredCredentials>(this.db, CREDENTIALS_KEY);
  }

  saveCredentials(value: StoredCredentials): Promise<void> {
    return putSetting(this.db, CREDENTIALS_KEY, value);
  }

  /** Runs `fn` while holding the instance-wide join lock. */
  async withJoinLock<T>(fn: () => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [JOIN_LOCK]);
      try {
        return await fn();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [JOIN_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}

const UNDEFINED_DATABASE = '3D000';
const UNDEFINED_TABLE = '42P01';

/**
 * The client id an instance's database holds from its join, for tools outside the instance
 * (`atrium start`); undefined before the database or its settings exist.
 */
export async function storedNodeClientId(databaseUrl: string): Promise<string | undefined> {
  const rows = await settingsQuery<{ id: string }>(
    databaseUrl,
    `SELECT value->>'clientId' AS id FROM settings WHERE key = $1`,
  );
  return rows[0]?.id;
}

/** Forgets an instance's stored node credentials, so that its next boot joins with a new token. */
export async function forgetNodeCredentials(databaseUrl: string): Promise<void> {
  await settingsQuery(databaseUrl, 'DELETE FROM settings WHERE key = $1');
}

async function settingsQuery<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'atrium-admin' });
  try {
    await client.connect();
    return (await client.query(sql, [CREDENTIALS_KEY])).rows as T[];
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNDEFINED_DATABASE || code === UNDEFINED_TABLE) return [];
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
