import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revision per asset that goes up whenever a derivative on record is replaced (a rebuild at new
 * sizes) or forgotten (a cleared cache): media URLs carry it in `?v=`, so browsers that keep
 * versioned URLs for good fetch the new file.
 */
export class DerivativeRevisions1764400000000 implements MigrationInterface {
  name = 'DerivativeRevisions1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE assets ADD COLUMN derivatives_rev integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE assets DROP COLUMN derivatives_rev');
  }
}
