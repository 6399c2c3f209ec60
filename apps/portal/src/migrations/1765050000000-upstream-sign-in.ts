import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in through organization OIDC providers and LDAP: an account is linked by (provider kind,
 * issuer, subject) — the issuer is null for LDAP, whose entryUUID/objectGUID is the subject — and
 * each started OIDC sign-in keeps its state, nonce and PKCE verifier until the provider answers.
 */
export class UpstreamSignIn1765050000000 implements MigrationInterface {
  name = 'UpstreamSignIn1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN auth_issuer text`);
    await q.query(`DROP INDEX accounts_auth_id`);
    await q.query(
      `CREATE UNIQUE INDEX accounts_auth_id ON accounts (auth_provider, coalesce(auth_issuer, ''), auth_id) WHERE auth_id IS NOT NULL`,
    );
    await q.query(`CREATE TABLE upstream_oidc_states (
      id text PRIMARY KEY,
      provider_id text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      binding text NOT NULL,
      interaction text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX upstream_oidc_states_expires ON upstream_oidc_states (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE upstream_oidc_states`);
    await q.query(`DROP INDEX accounts_auth_id`);
    await q.query(
      `CREATE UNIQUE INDEX accounts_auth_id ON accounts (auth_provider, auth_id) WHERE auth_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE accounts DROP COLUMN auth_issuer`);
  }
}
