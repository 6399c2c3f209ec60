import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, freeLayout } from '../test/cluster.js';
import { databaseUrl, readSettings } from './settings.js';

// A newcomer's first `atrium start`: the library opens on photos, not on an empty grid.
let cluster: TestCluster | undefined;

afterAll(async () => {
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

interface AssetRow {
  path: string;
  media_type: string;
  width: number | null;
  height: number | null;
  taken_at: Date | null;
  make: string | null;
  latitude: number | null;
  thumb: boolean;
}

async function assets(url: string): Promise<AssetRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<AssetRow>(
      `SELECT path, media_type, width, height, taken_at, make, latitude, derivatives ? 'thumb' AS thumb
         FROM assets WHERE deleted_at IS NULL AND missing_at IS NULL ORDER BY path`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('atrium start on a fresh machine', () => {
  it('fills a new library with demo photos and videos, indexed and with thumbnails before it says it is running, and grants the first admin admin there', { timeout: 420_000 }, async () => {
    cluster = new TestCluster(await freeLayout());
    cluster.start(['--instances', 'family']);
    await cluster.waitFor('Atrium is running.', 360_000);
    expect(cluster.output).toContain('✓ demo photos for family');
    expect(cluster.output).toContain('✓ demo library family');
    for (const part of ['Postgres', 'Redis for family', 'portal', 'library family', 'media worker']) expect(cluster.output).toContain(`✓ ${part}`);

    const settings = readSettings(cluster.dataDir)!;
    const family = settings.instances.find((i) => i.name === 'family')!;
    expect(family.demo).toBe(true);
    const rows = await assets(databaseUrl(settings, family.database));
    expect(rows).toHaveLength(26);
    expect(rows.every((r) => r.thumb)).toBe(true);
    const photos = rows.filter((r) => r.media_type === 'image');
    const videos = rows.filter((r) => r.media_type === 'video');
    expect(videos.map((v) => v.path)).toEqual(['Videos/portrait.mp4', 'Videos/waves.mp4']);
    expect(videos.some((v) => v.height! > v.width!)).toBe(true);
    // Varied orientations, cameras, places and years, read from the files' own EXIF.
    expect(photos.some((p) => p.height! > p.width!)).toBe(true);
    expect(photos.some((p) => p.width! > p.height!)).toBe(true);
    expect(photos.some((p) => p.width === p.height)).toBe(true);
    expect(new Set(photos.map((p) => p.make)).size).toBeGreaterThanOrEqual(4);
    expect(photos.filter((p) => p.latitude !== null).length).toBeGreaterThanOrEqual(12);
    expect(new Set(photos.map((p) => p.taken_at!.getUTCFullYear()))).toEqual(new Set([2022, 2023, 2024, 2025]));

    // The first admin, created from the printed link, holds an explicit admin grant on the demo library.
    const token = /\/setup\/([A-Za-z0-9_-]+)/.exec(cluster.output)![1]!;
    const { openPortalAdmin } = await import('@atrium/portal');
    const portal = await openPortalAdmin({
      databaseUrl: databaseUrl(settings, settings.portal.database),
      secretKey: settings.secretKey,
      publicUrl: cluster.urls.portal,
    });
    try {
      await portal.setup.complete(token, { username: 'root', password: 'a long demo passphrase' }, {});
      const grants = await portal.grants.list({ username: 'root' });
      expect(grants.map((g) => [g.node, g.role])).toEqual([['family', 'admin']]);
    } finally {
      await portal.close();
    }

    // Written once: a demo photo the user deleted does not come back at the next start.
    expect(await cluster.stop('SIGTERM')).toBe(0);
    rmSync(join(cluster.dataDir, 'instances', 'family', 'originals', '2022', 'Lisbon', 'IMG_1000.jpg'));
    cluster.start(['--instances', 'family']);
    await cluster.waitFor('Atrium is running.');
    expect(cluster.output).not.toContain('demo photos for family');
    expect(cluster.output).not.toContain('Create the first cluster admin');
  });

  it('refuses a data folder written by a newer Atrium, saying so', { timeout: 60_000 }, async () => {
    const newer = new TestCluster(await freeLayout());
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(newer.dataDir, 'cluster.json'), JSON.stringify({ version: 99 }));
    newer.start();
    expect(await newer.exited()).toBe(1);
    expect(newer.output).toContain('was written by a newer Atrium');
    newer.remove();
  });
});
