import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { AccessPolicy, AlbumFacts, AssetFacts, Role, Viewer } from '@atrium/policy';
import { clearLibrary, insertAlbum, insertAsset } from './library.js';

// Random libraries for tests that hold the instance against libs/policy. Small pools, so that
// paths, members and groups actually meet (as in libs/policy's own property tests).
export const USERS = ['acc-alice', 'acc-bob', 'acc-carol'];
const GROUPS = ['family', 'staff', 'Staff', 'editors', 'cn=staff,dc=example'];
const FOLDERS = ['family', 'family/alice', 'familyx', 'studio', 'people/alice', ''];
const BASE_PATHS = ['family', 'family/alice', 'studio', 'people/alice', null];
export const ALBUMS = 4;
export const ASSETS = 14;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

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

export interface LibrarySpec {
  albums: (AccessPolicy | null)[];
  assets: AssetSpec[];
}

export const librarySpec: fc.Arbitrary<LibrarySpec> = fc.record({
  albums: fc.array(fc.option(policy, { nil: null }), { minLength: ALBUMS, maxLength: ALBUMS }),
  assets: fc.array(assetSpec, { minLength: ASSETS, maxLength: ASSETS }),
});

export interface ViewerSpec {
  id: string;
  groups: string[];
  basePath: string | null;
  uploadPath: string | null;
  links: Array<{ album: boolean; index: number; downloadAllowed: boolean }>;
}

export const viewerSpec: fc.Arbitrary<ViewerSpec> = fc.record({
  id: fc.constantFrom(...USERS),
  groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 3 }),
  basePath: fc.constantFrom(...BASE_PATHS),
  uploadPath: fc.constantFrom('family/alice', null),
  links: fc.array(
    fc.record({ album: fc.boolean(), index: fc.nat(ASSETS + 1), downloadAllowed: fc.boolean() }),
    { maxLength: 2 },
  ),
});

/** A seeded library as libs/policy sees it; `trashed` assets are in the database but not live. */
export interface SeededLibrary {
  albums: AlbumFacts[];
  assets: Array<AssetFacts & { trashed: boolean }>;
}

/** Replaces the library with `spec`; `onAsset` may put a file on disk for each asset. */
export async function seedLibrary(
  db: DataSource,
  spec: LibrarySpec,
  onAsset?: (path: string) => Promise<void>,
): Promise<SeededLibrary> {
  await clearLibrary(db);
  const albums: AlbumFacts[] = [];
  for (const albumPolicy of spec.albums)
    albums.push({ id: await insertAlbum(db, { policy: albumPolicy }), policy: albumPolicy });
  const assets: SeededLibrary['assets'] = [];
  for (const [i, a] of spec.assets.entries()) {
    const path = a.asFolderName && a.folder ? a.folder : `${a.folder ? `${a.folder}/` : ''}${i}.jpg`;
    if (assets.some((x) => x.path === path || x.path.startsWith(`${path}/`) || path.startsWith(`${x.path}/`)))
      continue;
    const id = await insertAsset(db, {
      path,
      uploadedBy: a.uploadedBy,
      private: a.private,
      archived: a.archived,
      policy: a.policy,
      deletedAt: a.trashed ? new Date() : null,
    });
    const memberOf = a.albums.map((n) => albums[n]!);
    for (const album of memberOf)
      await db.query('INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now())', [
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
    await onAsset?.(path);
  }
  return { albums, assets };
}

/** The viewer of `role` described by `spec`, its links pointing into `library` (or nowhere). */
export function viewerFor(role: Role, spec: ViewerSpec, library: SeededLibrary): Viewer {
  const links = spec.links.map((l) => {
    const target = l.album
      ? ({ kind: 'album', albumId: library.albums[l.index]?.id ?? UNKNOWN } as const)
      : ({ kind: 'asset', assetId: library.assets[l.index]?.id ?? UNKNOWN } as const);
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
