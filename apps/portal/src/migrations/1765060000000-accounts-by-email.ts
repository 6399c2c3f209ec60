import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Invitation, registration and reset links; app passwords; the mail outbox (issue 11). */
export class AccountsByEmail1765060000000 implements MigrationInterface {
  name = 'AccountsByEmail1765060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE email_links (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('invite', 'register', 'reset')),
      digest text NOT NULL UNIQUE,
      email text NOT NULL,
      account_id uuid REFERENCES accounts(id) ON DELETE CASCADE,
      fields jsonb NOT NULL DEFAULT '{}',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX email_links_account ON email_links (account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX email_links_email ON email_links (lower(email))`);
    await q.query(`CREATE TABLE app_passwords (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      name text NOT NULL,
      digest text NOT NULL UNIQUE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      last_used_at timestamptz
    )`);
    await q.query(`CREATE INDEX app_passwords_account ON app_passwords (account_id)`);
    await q.query(`CREATE TABLE mail_outbox (
      id bigserial PRIMARY KEY,
      recipient text NOT NULL,
      sealed text NOT NULL,
      purpose text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text
    )`);
    await q.query(`CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE mail_outbox');
    await q.query('DROP TABLE app_passwords');
    await q.query('DROP TABLE email_links');
  }
}
