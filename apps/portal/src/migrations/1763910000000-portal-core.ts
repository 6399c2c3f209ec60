import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, sessions, nodes, grants, group mappings, the issuer's storage and keys, the outbox, audits. */
export class PortalCore1763910000000 implements MigrationInterface {
  name = 'PortalCore1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accounts (
      id uuid PRIMARY KEY,
      username text NOT NULL UNIQUE,
      name text NOT NULL DEFAULT '',
      email text,
      email_verified boolean NOT NULL DEFAULT false,
      account_role text NOT NULL,
      cluster_admin boolean NOT NULL DEFAULT false,
      disabled boolean NOT NULL DEFAULT false,
      can_login boolean NOT NULL DEFAULT true,
      auth_provider text NOT NULL DEFAULT 'local' CHECK (auth_provider IN ('local', 'oidc', 'ldap', 'none')),
      auth_id text,
      password_hash text,
      totp_secret text,
      totp_last_step bigint,
      recovery_codes text[] NOT NULL DEFAULT '{}',
      base_path text,
      upload_path text,
      webdav boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(
      `CREATE UNIQUE INDEX accounts_auth_id ON accounts (auth_provider, auth_id) WHERE auth_id IS NOT NULL`,
    );
    await q.query(`CREATE TABLE account_groups (
      id bigserial PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      group_name text NOT NULL,
      source text NOT NULL DEFAULT 'portal',
      UNIQUE (account_id, group_name, source)
    )`);
    await q.query(`CREATE INDEX account_groups_account ON account_groups (account_id)`);
    await q.query(`CREATE TABLE portal_sessions (
      id text PRIMARY KEY,
      ref text NOT NULL UNIQUE,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      stage text NOT NULL CHECK (stage IN ('password', 'enrol_totp', 'full')),
      amr text[] NOT NULL DEFAULT '{}',
      csrf_token text NOT NULL,
      pending_totp text,
      auth_time timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text
    )`);
    await q.query(`CREATE INDEX portal_sessions_account ON portal_sessions (account_id)`);
    await q.query(`CREATE TABLE op_session_links (
      op_session_uid text PRIMARY KEY,
      portal_session_id text NOT NULL,
      account_id uuid NOT NULL
    )`);
    await q.query(`CREATE INDEX op_session_links_portal ON op_session_links (portal_session_id)`);
    await q.query(`CREATE TABLE nodes (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      role text NOT NULL CHECK (role IN ('instance', 'service')),
      url text NOT NULL,
      client_id text NOT NULL UNIQUE,
      secret_digest text,
      previous_secret_digest text,
      previous_secret_expires_at timestamptz,
      redirect_uris text[] NOT NULL DEFAULT '{}',
      post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
      backchannel_logout_uri text,
      alg text NOT NULL CHECK (alg IN ('EdDSA', 'RS256')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE join_tokens (
      id bigserial PRIMARY KEY,
      node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      token_digest text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX join_tokens_node ON join_tokens (node_id)`);
    await q.query(`CREATE TABLE access_grants (
      id bigserial PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      role text,
      base_path text,
      upload_path text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (account_id, node_id)
    )`);
    await q.query(`CREATE INDEX access_grants_node ON access_grants (node_id)`);
    await q.query(`CREATE TABLE group_mappings (
      id bigserial PRIMARY KEY,
      node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      group_name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('name', 'dn')),
      role text NOT NULL,
      base_path text,
      upload_path text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (node_id, group_name)
    )`);
    await q.query(`CREATE TABLE oidc_payloads (
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      uid text,
      account_id text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (model, id)
    )`);
    await q.query(`CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL`);
    // Only sessions and grants are looked up by account (to end them); codes and tokens go by grant.
    // No index on expires_at: the sweep every ten minutes may scan, the issuer writes on every request.
    await q.query(
      `CREATE INDEX oidc_payloads_account ON oidc_payloads (model, account_id) WHERE model IN ('Session', 'Grant')`,
    );
    await q.query(`CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      alg text NOT NULL CHECK (alg IN ('EdDSA', 'RS256')),
      private_jwk text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      activates_at timestamptz NOT NULL,
      retires_at timestamptz,
      removes_at timestamptz,
      revoked_at timestamptz
    )`);
    await q.query(`CREATE TABLE logout_outbox (
      id bigserial PRIMARY KEY,
      node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      sub text,
      sid text,
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      last_error text,
      CHECK (sub IS NOT NULL OR sid IS NOT NULL)
    )`);
    await q.query(
      `CREATE INDEX logout_outbox_due ON logout_outbox (next_attempt_at) WHERE delivered_at IS NULL`,
    );
    await q.query(`CREATE INDEX logout_outbox_node ON logout_outbox (node_id)`);
    await q.query(`CREATE TABLE admin_audit (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      target text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE INDEX admin_audit_at ON admin_audit (at)`);
    await q.query(`CREATE TABLE login_audit (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      username text NOT NULL,
      account_id uuid,
      ip text,
      method text NOT NULL,
      outcome text NOT NULL
    )`);
    await q.query(`CREATE INDEX login_audit_at ON login_audit (at)`);
    await q.query(`CREATE TABLE throttles (
      key text PRIMARY KEY,
      failures int NOT NULL,
      blocked_until timestamptz,
      updated_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'throttles',
      'login_audit',
      'admin_audit',
      'logout_outbox',
      'signing_keys',
      'oidc_payloads',
      'group_mappings',
      'access_grants',
      'join_tokens',
      'nodes',
      'op_session_links',
      'portal_sessions',
      'account_groups',
      'accounts',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
