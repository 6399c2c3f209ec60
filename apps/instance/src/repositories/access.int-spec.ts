import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, canDownloadOriginal, canSeeAlbum, canSeeAsset, type Viewer } from '@atrium/policy';
import { createDataSource } from '@atrium/server';
import { createTestDatabase, type TestDatabase } from '@atrium/testing';
import { instanceEntities } from '../entities/index.js';
import { migrate } from '../main.js';
import { instanceMigrations } from '../migrations/index.js';
import { clearLibrary, insertAsset } from '../test/library.js';
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
  it('gives the same answer as canSeeAsset, canDownloadOriginal and canSeeAlbum for every role on random libraries', async () => {
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
              for (const asset of data.assets) {
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
});
