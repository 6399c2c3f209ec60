import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Curation and sharing: captions, album covers and order, undo records of bulk edits, share links
 * (docs/architecture.md rule 7) with their password throttle, links signed-in people opened, and comments.
 */
export class Curation1764300000000 implements MigrationInterface {
  name = 'Curation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE assets ADD COLUMN caption text');
    await q.query('ALTER TABLE assets ADD COLUMN trashed_by text');
    // The trash lists what was deleted, newest deletion first.
    await q.query(
      'CREATE INDEX assets_trash ON assets (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL',
    );
    await q.query('ALTER TABLE albums ADD COLUMN cover_id uuid REFERENCES assets (id) ON DELETE SET NULL');
    await q.query(
      `ALTER TABLE albums ADD COLUMN sort_order text NOT NULL DEFAULT 'desc' CHECK (sort_order IN ('desc', 'asc'))`,
    );
    await q.query(`CREATE TABLE edit_batches (
      id uuid PRIMARY KEY,
      user_id text NOT NULL,
      previous jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      undone_at timestamptz
    )`);
    await q.query(`CREATE TABLE share_links (
      id uuid PRIMARY KEY,
      token_digest text NOT NULL UNIQUE,
      album_id uuid REFERENCES albums (id) ON DELETE CASCADE,
      asset_id uuid REFERENCES assets (id) ON DELETE CASCADE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      revoked_at timestamptz,
      password_hash text,
      allow_download boolean NOT NULL DEFAULT false,
      open_count integer NOT NULL DEFAULT 0,
      last_opened_at timestamptz,
      CHECK ((album_id IS NULL) <> (asset_id IS NULL))
    )`);
    await q.query('CREATE INDEX share_links_created ON share_links (created_at DESC)');
    // Wrong passwords per link and per address: counted in Postgres, so every replica sees them.
    await q.query(`CREATE TABLE share_link_throttles (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      window_start timestamptz NOT NULL,
      blocked_until timestamptz
    )`);
    await q.query(`CREATE TABLE share_link_unlocks (
      id text PRIMARY KEY,
      link_id uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE user_links (
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      link_id uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
      opened_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, link_id)
    )`);
    await q.query(`CREATE TABLE comments (
      id uuid PRIMARY KEY,
      album_id uuid REFERENCES albums (id) ON DELETE CASCADE,
      asset_id uuid REFERENCES assets (id) ON DELETE CASCADE,
      author_id text NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL,
      edited_at timestamptz,
      CHECK ((album_id IS NULL) <> (asset_id IS NULL))
    )`);
    await q.query(
      'CREATE INDEX comments_album ON comments (album_id, created_at) WHERE album_id IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX comments_asset ON comments (asset_id, created_at) WHERE asset_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE comments, user_links, share_link_unlocks, share_link_throttles, share_links, edit_batches',
    );
    await q.query('ALTER TABLE albums DROP COLUMN sort_order, DROP COLUMN cover_id');
    await q.query('DROP INDEX assets_trash');
    await q.query('ALTER TABLE assets DROP COLUMN trashed_by, DROP COLUMN caption');
  }
}
