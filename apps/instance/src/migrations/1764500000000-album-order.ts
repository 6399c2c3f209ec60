import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each album membership carries its asset's `sort_at`, kept by triggers, under an index in
 * timeline order: an album's page is then one range of that index, as the library's page is one
 * range of `assets_timeline`, instead of reading and sorting every member (the cost followed the
 * album's size: 15 ms for a page of a 1,000-photo album, against 3 ms for the library's page).
 */
export class AlbumOrder1764500000000 implements MigrationInterface {
  name = 'AlbumOrder1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE album_assets ADD COLUMN sort_at timestamptz');
    await q.query('UPDATE album_assets m SET sort_at = a.sort_at FROM assets a WHERE a.id = m.asset_id');
    await q.query('ALTER TABLE album_assets ALTER COLUMN sort_at SET NOT NULL');
    // A new membership takes its asset's place in time, whatever the INSERT said.
    await q.query(`CREATE FUNCTION album_assets_sort_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.sort_at := (SELECT sort_at FROM assets WHERE id = NEW.asset_id);
        RETURN NEW;
      END $$`);
    await q.query(
      'CREATE TRIGGER album_assets_sort_at BEFORE INSERT ON album_assets FOR EACH ROW EXECUTE FUNCTION album_assets_sort_at()',
    );
    // An asset whose time changes (metadata read, a date edited, a file rewritten) moves in its albums too.
    await q.query(`CREATE FUNCTION assets_sort_at_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE album_assets SET sort_at = NEW.sort_at WHERE asset_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER assets_sort_at_moved AFTER UPDATE OF sort_at ON assets FOR EACH ROW
      WHEN (OLD.sort_at IS DISTINCT FROM NEW.sort_at AND NEW.album_ids <> '{}')
      EXECUTE FUNCTION assets_sort_at_moved()`);
    await q.query('CREATE INDEX album_assets_timeline ON album_assets (album_id, sort_at DESC, asset_id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX album_assets_timeline');
    await q.query('DROP TRIGGER assets_sort_at_moved ON assets');
    await q.query('DROP TRIGGER album_assets_sort_at ON album_assets');
    await q.query('DROP FUNCTION assets_sort_at_moved(), album_assets_sort_at()');
    await q.query('ALTER TABLE album_assets DROP COLUMN sort_at');
  }
}
