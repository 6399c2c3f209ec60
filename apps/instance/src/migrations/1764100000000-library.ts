import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The library: assets found in the originals, folders, albums and their members, tags, the
 * policies of albums and assets (docs/architecture.md rule 6), tombstones, files skipped by indexing, index runs.
 */
export class Library1764100000000 implements MigrationInterface {
  name = 'Library1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE policies (
      id uuid PRIMARY KEY,
      everyone boolean NOT NULL DEFAULT false,
      users text[] NOT NULL DEFAULT '{}',
      groups text[] NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE TABLE folders (
      path text PRIMARY KEY,
      parent text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX folders_parent ON folders (parent)');
    await q.query(`CREATE TABLE assets (
      id uuid PRIMARY KEY,
      path text NOT NULL,
      folder text NOT NULL,
      file_name text NOT NULL,
      size bigint NOT NULL,
      mtime timestamptz NOT NULL,
      content_hash text NOT NULL,
      media_type text NOT NULL CHECK (media_type IN ('image', 'video')),
      mime text NOT NULL,
      taken_at timestamptz,
      sort_at timestamptz NOT NULL,
      time_zone text,
      width integer,
      height integer,
      duration_ms integer,
      make text,
      model text,
      latitude double precision,
      longitude double precision,
      metadata jsonb,
      placeholder text,
      derivatives jsonb NOT NULL DEFAULT '{}',
      playback text,
      failures jsonb NOT NULL DEFAULT '{}',
      uploaded_by text,
      private boolean NOT NULL DEFAULT false,
      archived boolean NOT NULL DEFAULT false,
      favorite boolean NOT NULL DEFAULT false,
      title text,
      policy_id uuid REFERENCES policies (id) ON DELETE SET NULL,
      missing_at timestamptz,
      deleted_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX assets_path ON assets (path)');
    // The timeline walks this index backwards from a keyset cursor: never an OFFSET.
    await q.query(
      'CREATE INDEX assets_timeline ON assets (sort_at DESC, id DESC) WHERE deleted_at IS NULL AND missing_at IS NULL',
    );
    await q.query('CREATE INDEX assets_folder ON assets (folder, sort_at DESC, id DESC)');
    await q.query('CREATE INDEX assets_content_hash ON assets (content_hash)');
    await q.query('CREATE INDEX assets_policy ON assets (policy_id) WHERE policy_id IS NOT NULL');
    await q.query(`CREATE TABLE albums (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      description text,
      created_by text,
      policy_id uuid REFERENCES policies (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE album_assets (
      album_id uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      added_at timestamptz NOT NULL,
      PRIMARY KEY (album_id, asset_id)
    )`);
    await q.query('CREATE INDEX album_assets_asset ON album_assets (asset_id, album_id)');
    await q.query(`CREATE TABLE tags (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE
    )`);
    await q.query(`CREATE TABLE asset_tags (
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
      PRIMARY KEY (asset_id, tag_id)
    )`);
    await q.query('CREATE INDEX asset_tags_tag ON asset_tags (tag_id, asset_id)');
    await q.query(`CREATE TABLE tombstones (
      content_hash text PRIMARY KEY,
      path text NOT NULL,
      size bigint NOT NULL,
      mtime timestamptz NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX tombstones_path ON tombstones (path)');
    await q.query(`CREATE TABLE ignored_files (
      path text PRIMARY KEY,
      size bigint NOT NULL,
      mtime timestamptz NOT NULL,
      reason text NOT NULL
    )`);
    await q.query(`CREATE TABLE index_runs (
      id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      rescan boolean NOT NULL,
      requested_by text,
      phase text NOT NULL,
      counts jsonb NOT NULL DEFAULT '{}',
      error text,
      started_at timestamptz NOT NULL,
      heartbeat_at timestamptz NOT NULL,
      finished_at timestamptz
    )`);
    // At most one run at a time, whichever replica or CLI started it.
    await q.query(
      "CREATE UNIQUE INDEX index_runs_one_running ON index_runs ((true)) WHERE status = 'running'",
    );
    await q.query('CREATE INDEX index_runs_started ON index_runs (started_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE index_runs, ignored_files, tombstones, asset_tags, tags, album_assets, albums, assets, folders, policies',
    );
  }
}
