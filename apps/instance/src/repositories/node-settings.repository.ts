import { Injectable } from '@nestjs/common';
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
