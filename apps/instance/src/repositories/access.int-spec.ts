import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROLES,
  canComment,
  canDeleteAsset,
  canDownloadOriginal,
  canEditAsset,
  canSeeAlbum,
  canSeeAsset,
  type Viewer,
} from '@atrium/policy';
import { createDataSource } from '@atrium/server';
import { createTestDatabase, type TestDatabase } from '@atrium/testing';
import { instanceEntities } from '../entities/index.js';
import { migrate } from '../main.js';
import { instanceMigrations } from '../migrations/index.js';
import { clearLibrary, insertAlbum, insertAsset } from '../test/library.js';
import { ASSETS, librarySpec, seedLibrary, viewerFor, viewerSpec } from '../test/random-library.js';
import { AccessRepository } from './access.repository.js';

let db: TestDatabase;
let ds: DataSource;
let access: AccessRepository;

beforeAll(async () => {
  db = await createTestDatabase('access');
  await migrate({ databaseUrl: db.url });
  ds = createDataSource({ url: db.url, entities: instanceEntities, migrations: instanceMigrations });
  await ds.initialize();
  access = new AccessRepository(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('the access repository against libs/policy', () => {
  it('gives the same answer as canSeeAsset, canDownloadOriginal, canEditAsset, canDeleteAsset, canComment and canSeeAlbum for every role on random libraries', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        librarySpec,
        fc.array(viewerSpec, { minLength: 2, maxLength: 2 }),
        async (spec, viewerSpecs) => {
          const data = await seedLibrary(ds, spec);
          const assetIds = [
            ...data.assets.map((a) => a.id),
            '00000000-0000-4000-8000-000000000001',
            'not-a-uuid',
          ];
          const albumIds = [...data.albums.map((a) => a.id), 'not-a-uuid'];
          for (const role of ROLES) {
            for (const vs of viewerSpecs) {
              const viewer = viewerFor(role, vs, data);
              const seen = await access.visibleAssets(viewer, assetIds);
              const downloadable = await access.downloadableAssets(viewer, assetIds);
              const albums = await access.visibleAlbums(viewer, albumIds);
              const editable = await access.editableAssets(viewer, assetIds);
              const deletable = await access.deletableAssets(viewer, assetIds);
              const emptiable = await access.deletableAssets(viewer, assetIds, true);
              const commentable = await access.commentableAssets(viewer, assetIds);
              for (const asset of data.assets) {
                expect(editable.has(asset.id), `${role} edits ${asset.path}`).toBe(
                  !asset.trashed && canEditAsset(viewer, asset),
                );
                expect(deletable.has(asset.id), `${role} trashes ${asset.path}`).toBe(
                  !asset.trashed && canDeleteAsset(viewer, asset),
                );
                expect(emptiable.has(asset.id), `${role} empties ${asset.path}`).toBe(
                  asset.trashed && canDeleteAsset(viewer, asset),
                );
                expect(commentable.has(asset.id), `${role} comments on ${asset.path}`).toBe(
                  !asset.trashed && canComment(viewer, asset),
                );
                expect(seen.has(asset.id), `${role} sees ${asset.path}`).toBe(
                  !asset.trashed && canSeeAsset(viewer, asset),
                );
                expect(downloadable.has(asset.id), `${role} downloads ${asset.path}`).toBe(
                  !asset.trashed && canDownloadOriginal(viewer, asset),
                );
                compared += 2;
              }
              for (const album of data.albums)
                expect(albums.has(album.id), `${role} sees album`).toBe(canSeeAlbum(viewer, album));
              expect(seen.size).toBeLessThanOrEqual(data.assets.length);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(compared).toBeGreaterThan(40 * ROLES.length * 2 * ASSETS);
  });

  it('answers one query for a whole set of ids, and nothing for ids that are not there', async () => {
    await clearLibrary(ds);
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) => insertAsset(ds, { path: `family/${i}.jpg` })),
    );
    const admin: Viewer = {
      role: 'admin',
      id: 'acc-alice',
      groups: [],
      basePath: null,
      uploadPath: null,
      links: [],
    };
    let queries = 0;
    const original = ds.query.bind(ds);
    ds.query = ((...args: Parameters<DataSource['query']>) => {
      queries++;
      return original(...args);
    }) as DataSource['query'];
    try {
      const seen = await access.visibleAssets(admin, [
        ...ids,
        '00000000-0000-4000-8000-000000000009',
        "'; DROP TABLE assets; --",
      ]);
      expect(seen).toEqual(new Set(ids));
    } finally {
      ds.query = original;
    }
    expect(queries).toBe(1);
    expect(await access.visibleAssets(admin, [])).toEqual(new Set());
  });

  it("keeps each asset's album ids in step with album membership, cascades included", async () => {
    await clearLibrary(ds);
    const asset = await insertAsset(ds, { path: 'family/a.jpg' });
    const [one, two] = [
      await insertAlbum(ds, { assets: [asset] }),
      await insertAlbum(ds, { assets: [asset] }),
    ];
    const albumIds = async () =>
      (
        (await ds.query('SELECT album_ids FROM assets WHERE id = $1', [asset])) as Array<{
          album_ids: string[];
        }>
      )[0]!.album_ids;
    expect(await albumIds()).toEqual([one, two].sort());
    await ds.query(
      'INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
      [one, asset],
    );
    expect(await albumIds()).toEqual([one, two].sort());
    await ds.query('DELETE FROM album_assets WHERE album_id = $1', [one]);
    expect(await albumIds()).toEqual([two]);
    await ds.query('DELETE FROM albums WHERE id = $1', [two]);
    expect(await albumIds()).toEqual([]);
    const three = await insertAlbum(ds, { assets: [asset] });
    await expect(ds.query('UPDATE album_assets SET album_id = $1', [one])).rejects.toThrow(/never changed/);
    await ds.query('DELETE FROM assets WHERE id = $1', [asset]);
    expect(
      await ds.query('SELECT count(*)::int AS n FROM album_assets WHERE album_id = $1', [three]),
    ).toEqual([{ n: 0 }]);
  });
});
