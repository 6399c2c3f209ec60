import { Column, Entity, PrimaryColumn, UpdateDateColumn, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Settings a service keeps in its own database (the portal's first-admin link, an instance's node
 * credentials, library options), so every replica sees the same values.
 */
@Entity({ name: 'settings' })
export class SettingEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** The first migration of every Atrium database: the `settings` table. */
export class Settings1763900000000 implements MigrationInterface {
  name = 'Settings1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE settings');
  }
}

/** Reads a setting; `undefined` when it was never written. */
export async function getSetting<T>(ds: DataSource, key: string): Promise<T | undefined> {
  const row = await ds.getRepository(SettingEntity).findOneBy({ key });
  return row ? (row.value as T) : undefined;
}

/** Writes a setting (insert or replace). */
export async function putSetting(ds: DataSource, key: string, value: unknown): Promise<void> {
  await ds.getRepository(SettingEntity).upsert({ key, value: value as object }, ['key']);
}
