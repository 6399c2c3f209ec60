import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each asset carries the ids of its albums (`album_ids`), kept by statement triggers on
 * `album_assets`, and the timeline index covers every column visibility reads. A guest's page is
 * then decided from the index alone (an index-only scan) instead of one album lookup per asset.
 */
export class AlbumMembership1764200000000 implements MigrationInterface {
  name = 'AlbumMembership1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assets ADD COLUMN album_ids uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE assets a SET album_ids = m.ids
      FROM (SELECT asset_id, array_agg(album_id ORDER BY album_id) AS ids FROM album_assets GROUP BY asset_id) m WHERE a.id = m.asset_id`);
    await q.query(`CREATE FUNCTION album_assets_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE assets a SET album_ids = ARRAY(SELECT DISTINCT x FROM unnest(a.album_ids || n.ids) x ORDER BY x)
        FROM (SELECT asset_id, array_agg(album_id) AS ids FROM added GROUP BY asset_id) n WHERE a.id = n.asset_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION album_assets_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE assets a SET album_ids = ARRAY(SELECT x FROM unnest(a.album_ids) x WHERE x <> ALL (r.ids) ORDER BY x)
        FROM (SELECT asset_id, array_agg(album_id) AS ids FROM removed GROUP BY asset_id) r WHERE a.id = r.asset_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER album_assets_added AFTER INSERT ON album_assets REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION album_assets_added()`);
    await q.query(`CREATE TRIGGER album_assets_removed AFTER DELETE ON album_assets REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION album_assets_removed()`);
    // Membership rows are only ever added or removed: a changed key would escape the triggers above.
    await q.query(`CREATE FUNCTION album_assets_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'album membership rows are added or removed, never changed'; END $$`);
    await q.query(
      'CREATE TRIGGER album_assets_frozen BEFORE UPDATE OF album_id, asset_id ON album_assets FOR EACH ROW EXECUTE FUNCTION album_assets_frozen()',
    );
    await q.query('DROP INDEX assets_timeline');
    await q.query(`CREATE INDEX assets_timeline ON assets (sort_at DESC, id DESC)
      INCLUDE (private, archived, policy_id, album_ids, uploaded_by, media_type, favorite, path)
      WHERE deleted_at IS NULL AND missing_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX assets_timeline');
    await q.query(
      'CREATE INDEX assets_timeline ON assets (sort_at DESC, id DESC) WHERE deleted_at IS NULL AND missing_at IS NULL',
    );
    await q.query('DROP TRIGGER album_assets_frozen ON album_assets');
    await q.query('DROP TRIGGER album_assets_removed ON album_assets');
    await q.query('DROP TRIGGER album_assets_added ON album_assets');
    await q.query('DROP FUNCTION album_assets_frozen(), album_assets_removed(), album_assets_added()');
    await q.query('ALTER TABLE assets DROP COLUMN album_ids');
  }
}
