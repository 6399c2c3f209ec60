// fast-check generators for policy property tests: small pools so that matches actually happen.
import fc from 'fast-check';
import type { AccessGrant, AccountFacts, GroupMapping } from '../access.js';
import type { AccessPolicy, AlbumFacts, AssetFacts } from '../policies.js';
import { INSTANCE_ROLES, ROLES } from '../roles.js';
import type { OpenedLink, ShareLinkTarget } from '../share-links.js';
import type { Viewer } from '../visibility.js';

export const USER_IDS = ['acc-alice', 'acc-bob', 'acc-carol'] as const;
export const GROUPS = ['family', 'staff', 'Staff', 'editors', 'cn=staff,dc=example'] as const;
export const ALBUM_IDS = ['album-1', 'album-2', 'album-3'] as const;
export const ASSET_IDS = ['asset-1', 'asset-2', 'asset-3'] as const;
const FOLDERS = ['family', 'family/alice', 'studio', 'people/{username}', null] as const;

export const instanceRole = fc.constantFrom(...INSTANCE_ROLES);
export const anyRole = fc.constantFrom(...ROLES);
export const group = fc.constantFrom(...GROUPS);
const folder = fc.constantFrom(...FOLDERS);

export const account: fc.Arbitrary<AccountFacts> = fc.record({
  id: fc.constantFrom(...USER_IDS),
  username: fc.constantFrom('alice', 'bob'),
  accountRole: instanceRole,
  groups: fc.uniqueArray(group, { maxLength: 4 }),
  clusterAdmin: fc.boolean(),
  disabled: fc.constant(false),
  basePath: folder,
  uploadPath: folder,
});

export const grant: fc.Arbitrary<AccessGrant> = fc.record({
  userId: fc.constantFrom(...USER_IDS),
  role: fc.oneof(instanceRole, fc.constantFrom(null, '' as const)),
  basePath: folder,
  uploadPath: folder,
});

export const mapping: fc.Arbitrary<GroupMapping> = fc.record({
  group,
  kind: fc.constantFrom('name' as const, 'dn' as const, undefined),
  role: instanceRole,
  basePath: folder,
  uploadPath: folder,
});

export const policy: fc.Arbitrary<AccessPolicy> = fc.record({
  everyone: fc.boolean(),
  users: fc.uniqueArray(fc.constantFrom(...USER_IDS), { maxLength: 2 }),
  groups: fc.uniqueArray(group, { maxLength: 2 }),
});

export const album: fc.Arbitrary<AlbumFacts> = fc.record({
  id: fc.constantFrom(...ALBUM_IDS),
  policy: fc.option(policy, { nil: null }),
});

export const asset: fc.Arbitrary<AssetFacts> = fc.record({
  id: fc.constantFrom(...ASSET_IDS),
  path: fc.constantFrom('family/alice/a.jpg', 'family/b.jpg', 'studio/c.jpg', 'people/alice/d.jpg', 'e.jpg'),
  uploadedBy: fc.option(fc.constantFrom(...USER_IDS), { nil: null }),
  private: fc.boolean(),
  archived: fc.boolean(),
  policy: fc.option(policy, { nil: null }),
  albums: fc.uniqueArray(album, { maxLength: 3, selector: (a) => a.id }),
});

export const linkTarget: fc.Arbitrary<ShareLinkTarget> = fc.oneof(
  fc.record({ kind: fc.constant('album' as const), albumId: fc.constantFrom(...ALBUM_IDS) }),
  fc.record({ kind: fc.constant('asset' as const), assetId: fc.constantFrom(...ASSET_IDS) }),
);

export const openedLink: fc.Arbitrary<OpenedLink> = fc.record({
  target: linkTarget,
  downloadAllowed: fc.boolean(),
});

export const viewer: fc.Arbitrary<Viewer> = fc.record({
  role: anyRole,
  id: fc.option(fc.constantFrom(...USER_IDS), { nil: null }),
  groups: fc.uniqueArray(group, { maxLength: 3 }),
  basePath: fc.constantFrom('family', 'family/alice', 'studio', null),
  uploadPath: fc.constantFrom('family/alice', 'studio/inbox', null),
  links: fc.array(openedLink, { maxLength: 2 }),
});
