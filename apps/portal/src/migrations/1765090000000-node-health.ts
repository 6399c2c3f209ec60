import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the portal last heard from each node: when its `/readyz` last answered, what it said, and
 * the version it reported (the admin Libraries screen asks when it opens); plus the index the
 * admin user list searches by.
 */
export class NodeHealth1765090000000 implements MigrationInterface {
  name = 'NodeHealth1765090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE nodes
      ADD COLUMN last_seen_at timestamptz,
      ADD COLUMN last_checked_at timestamptz,
      ADD COLUMN health text,
      ADD COLUMN version text`);
    await q.query(`CREATE INDEX account_groups_group ON account_groups (group_name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX account_groups_group`);
    await q.query(
      `ALTER TABLE nodes DROP COLUMN last_seen_at, DROP COLUMN last_checked_at, DROP COLUMN health, DROP COLUMN version`,
    );
  }
}
