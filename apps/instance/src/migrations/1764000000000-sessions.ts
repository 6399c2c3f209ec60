import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People seen through the portal, their instance sessions, pending sign-ins and used logout tokens. */
export class Sessions1764000000000 implements MigrationInterface {
  name = 'Sessions1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id text PRIMARY KEY,
      username text NOT NULL,
      name text,
      email text,
      role text NOT NULL,
      groups text[] NOT NULL DEFAULT '{}',
      base_path text,
      upload_path text,
      webdav boolean NOT NULL DEFAULT false,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE sessions (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      portal_sid text,
      role text NOT NULL,
      groups text[] NOT NULL DEFAULT '{}',
      base_path text,
      upload_path text,
      webdav boolean NOT NULL DEFAULT false,
      csrf_token text NOT NULL,
      id_token text NOT NULL,
      auth_time timestamptz,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX sessions_user_id ON sessions (user_id)');
    await q.query('CREATE INDEX sessions_portal_sid ON sessions (portal_sid)');
    await q.query(`CREATE TABLE login_states (
      state_digest text PRIMARY KEY,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      return_to text NOT NULL,
      silent boolean NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE logout_tokens_seen (
      jti_digest text PRIMARY KEY,
      expires_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE logout_tokens_seen, login_states, sessions, users');
  }
}
