// Small builders for policy tests: every field has a harmless default, tests override what they test.
import type { AccessGrant, AccountFacts, GroupMapping } from '../access.js';
import type { AccessPolicy, AlbumFacts, AssetFacts } from '../policies.js';
import type { Role } from '../roles.js';
import type { OpenedLink, ShareLink } from '../share-links.js';
import type { Viewer } from '../visibility.js';

export function anAccount(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    id: 'acc-alice',
    username: 'alice',
    accountRole: 'user',
    groups: [],
    clusterAdmin: false,
    disabled: false,
    ...overrides,
  };
}

export function aGrant(overrides: Partial<AccessGrant> = {}): AccessGrant {
  return { userId: 'acc-alice', role: null, ...overrides };
}

export function aMapping(
  group: string,
  role: GroupMapping['role'],
  overrides: Partial<GroupMapping> = {},
): GroupMapping {
  return { group, role, ...overrides };
}

export function aPolicy(overrides: Partial<AccessPolicy> = {}): AccessPolicy {
  return { everyone: false, users: [], groups: [], ...overrides };
}

export function anAlbum(id: string, policy: AccessPolicy | null = null): AlbumFacts {
  return { id, policy };
}

export function anAsset(overrides: Partial<AssetFacts> = {}): AssetFacts {
  return {
    id: 'asset-1',
    path: 'library/2024/img.jpg',
    uploadedBy: null,
    private: false,
    archived: false,
    policy: null,
    albums: [],
    ...overrides,
  };
}

export function aViewer(role: Role, overrides: Partial<Viewer> = {}): Viewer {
  return {
    role,
    id: role === 'visitor' ? null : 'acc-alice',
    groups: [],
    basePath: null,
    uploadPath: null,
    links: [],
    ...overrides,
  };
}

export function albumLink(albumId: string, downloadAllowed = false): OpenedLink {
  return { target: { kind: 'album', albumId }, downloadAllowed };
}

export function assetLink(assetId: string, downloadAllowed = false): OpenedLink {
  return { target: { kind: 'asset', assetId }, downloadAllowed };
}

export function aShareLink(overrides: Partial<ShareLink> = {}): ShareLink {
  return {
    target: { kind: 'album', albumId: 'album-1' },
    expiresAt: null,
    revokedAt: null,
    hasPassword: false,
    allowDownload: false,
    ...overrides,
  };
}
