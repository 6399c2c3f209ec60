import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from './sql.js';

const KEY = 'first_admin_setup';

export interface SetupRecord {
  digest: string;
  expiresAt: string;
  /** Libraries the first admin is granted on creation (`atrium start`'s demo libraries). */
  grants?: SetupGrant[];
}

export interface SetupGrant {
  node: string;
  role: string;
}

/** The one pending first-admin setup link, kept in `settings` as a digest. */
@Injectable()
export class SetupRepository {
  constructor(private readonly ds: DataSource) {}

  async put(record: SetupRecord): Promise<void> {
    await this.ds.query(
      `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [KEY, record],
    );
  }

  async get(): Promise<SetupRecord | undefined> {
    const rows: { value: SetupRecord }[] = await this.ds.query('SELECT value FROM settings WHERE key = $1', [
      KEY,
    ]);
    return rows[0]?.value;
  }

  /** Deletes the record if it still holds `digest`: one redemption wins. */
  async take(digest: string): Promise<SetupRecord | undefined> {
    const result = await this.ds.query(
      `DELETE FROM settings WHERE key = $1 AND value->>'digest' = $2 RETURNING value`,
      [KEY, digest],
    );
    return returnedRows<{ value: SetupRecord }>(result)[0]?.value;
  }
}
