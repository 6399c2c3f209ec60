import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROLES,
  canDownloadOriginal,
  canSeeAlbum,
  canSeeAsset,
  type AccessPolicy,
  type AlbumFacts,
  type AssetFacts,
  type Viewer,
} from '@atrium/policy';
import { createDataSource } from '@atrium/server';
import { createTestDatabase, type TestDatabase } from '@atrium/testing';
import { instanceEntities } from '../entities/index.js';
import { migrate } from '../main.js';
import { instanceMigrations } from '../migrations/index.js';
import { clearLibrary, insertAlbum, insertAsset } from '../test/library.js';
import { AccessRepository } from './access.repository.js';

// Small pools, so that paths, members and groups actually meet (as in libs/policy's property tests).
const USERS = ['acc-alice', 'acc-bob', 'acc-carol'];
const GROUPS = ['family', 'staff', 'Staff', 'editors', 'cn=staff,dc=example'];
const FOLDERS = ['family', 'family/alice', 'familyx', 'studio', 'people/alice', ''];
const BASE_PATHS = ['family', 'family/alice', 'studio', 'people/alice', null];
const ALBUMS = 4;
const ASSETS = 14;

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

const policy: fc.Arbitrary<AccessPolicy> = fc.record({
  everyone: fc.boolean(),
  users: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 2 }),
  groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 2 }),
});

interface AssetSpec {
  folder: string;
  asFolderName: boolean;
  uploadedBy: string | null;
  private: boolean;
  archived: boolean;
  policy: AccessPolicy | null;
  albums: number[];
  trashed: boolean;
}

const assetSpec: fc.Arbitrary<AssetSpec> = fc.record({
  folder: fc.constantFrom(...FOLDERS),
  // A file named exactly like a base path lies "within" it too.
  asFolderName: fc.boolean(),
  uploadedBy: fc.option(fc.constantFrom(...USERS), { nil: null }),
  private: fc.boolean(),
  archived: fc.boolean(),
  policy: fc.option(policy, { nil: null }),
  albums: fc.uniqueArray(fc.nat(ALBUMS - 1), { maxLength: 3 }),
  trashed: fc.nat(4).map((n) => n === 0),
});

const dataset = fc.record({
  albums: fc.array(fc.option(policy, { nil: null }), { minLength: ALBUMS, maxLength: ALBUMS }),
  assets: fc.array(assetSpec, { minLength: ASSETS, maxLength: ASSETS }),
});

interface ViewerSpec {
  id: string;
  groups: string[];
  basePath: string | null;
  uploadPath: string | null;
  links: Array<{ album: boolean; index: number; downloadAllowed: boolean }>;
}

const viewerSpec: fc.Arbitrary<ViewerSpec> = fc.record({
  id: fc.constantFrom(...USERS),
  groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 3 }),
  basePath: fc.constantFrom(...BASE_PATHS),
  uploadPath: fc.constantFrom('family/alice', null),
  links: fc.array(
    fc.record({ album: fc.boolean(), index: fc.nat(ASSETS + 1), downloadAllowed: fc.boolean() }),
    { maxLength: 2 },
  ),
});

/** Inserts a dataset; returns the facts libs/policy reasons about, in the same shape. */
async function seed(spec: { albums: (AccessPolicy | null)[]; assets: AssetSpec[] }) {
  await clearLibrary(ds);
  const albums: AlbumFacts[] = [];
  for (const albumPolicy of spec.albums)
    albums.push({ id: await insertAlbum(ds, { policy: albumPolicy }), policy: albumPolicy });
  const assets: Array<AssetFacts & { trashed: boolean }> = [];
  for (const [i, a] of spec.assets.entries()) {
    const path = a.asFolderName && a.folder ? `${a.folder}` : `${a.folder ? `${a.folder}/` : ''}${i}.jpg`;
    if (assets.some((x) => x.path === path)) continue;
    const id = await insertAsset(ds, {
      path,
      uploadedBy: a.uploadedBy,
      private: a.private,
      archived: a.archived,
      policy: a.policy,
      deletedAt: a.trashed ? new Date() : null,
    });
    const memberOf = a.albums.map((n) => albums[n]!);
    for (const album of memberOf)
      await ds.query('INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now())', [
        album.id,
        id,
      ]);
    assets.push({
      id,
      path,
      uploadedBy: a.uploadedBy,
      private: a.private,
      archived: a.archived,
      policy: a.policy,
      albums: memberOf,
      trashed: a.trashed,
    });
  }
  return { albums, assets };
}

function viewerFor(
  role: (typeof ROLES)[number],
  spec: ViewerSpec,
  data: Awaited<ReturnType<typeof seed>>,
): Viewer {
  const links = spec.links.map((l) => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const target = l.album
      ? ({ kind: 'album', albumId: data.albums[l.index]?.id ?? unknown } as const)
      : ({ kind: 'asset', assetId: data.assets[l.index]?.id ?? unknown } as const);
    return { target, downloadAllowed: l.downloadAllowed };
  });
  return {
    role,
    id: role === 'visitor' ? null : spec.id,
    groups: spec.groups,
    basePath: spec.basePath,
    uploadPath: spec.uploadPath,
    links,
  };
}

describe('the access repository against libs/policy', () => {
  it('gives the same answer as canSeeAsset, canDownloadOriginal and canSeeAlbum for every role on random libraries', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        dataset,
        fc.array(viewerSpec, { minLength: 2, maxLength: 2 }),
        async (spec, viewerSpecs) => {
          const data = await seed(spec);
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
