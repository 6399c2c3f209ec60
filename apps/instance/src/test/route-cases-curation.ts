import {
  canComment,
  canDeleteAsset,
  canDownloadOriginal,
  canEditAsset,
  canSeeAlbum,
  canSeeAsset,
  hasPermission,
  type Permission,
  type Viewer,
} from '@atrium/policy';
import {
  albumOf,
  assetOf,
  ids,
  live,
  seeAsset,
  sorted,
  status,
  type Expected,
  type RouteCase,
  type Target,
} from './route-cases.js';
import type { SeededLibrary } from './random-library.js';

// Route cases of editing, the trash, albums and policies, comments and share links. State-changing
// cases send what leaves the library as seeded (the same flag, the same policy, unknown ids), so
// every later case still holds against the seed; creations add nothing other cases count.
const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';
const holds = (v: Viewer, permission: Permission) => hasPermission(v.role, permission);
/** 403 when the role lacks the permission everywhere, else `allowed` decides 200 or 404. */
const gated = (v: Viewer, permission: Permission, allowed: () => boolean, ok = 200): Expected =>
  holds(v, permission) ? { status: allowed() ? ok : 404 } : { status: 403 };
/** A creation answers 201 Created. */
const CREATED = 201;
const trashed = (l: SeededLibrary) => l.assets.filter((a) => a.trashed);
const month = (l: SeededLibrary, v: Viewer) => {
  const n = live(l).filter((a) => canSeeAsset(v, a)).length;
  return n ? ['2024-01:' + n] : [];
};
const months = (body: unknown) =>
  sorted((body as Array<{ month: string; count: number }>).map((m) => `${m.month}:${m.count}`));

/** Share routes answer for the link's visitor, whoever asks; without a link the token names nothing. */
function shared(expect: (visitor: Viewer, l: SeededLibrary, t: Target) => Expected) {
  return (_v: Viewer, l: SeededLibrary, t: Target, ctx: { visitor: Viewer | null }): Expected =>
    ctx.visitor ? expect(ctx.visitor, l, t) : { status: 404 };
}

/** What an album link shows of its album, or an asset link of everything (its one asset). */
const linkScope = (visitor: Viewer, l: SeededLibrary) => {
  const target = visitor.links[0]!.target;
  return live(l).filter(
    (a) =>
      canSeeAsset(visitor, a) && (target.kind === 'asset' || a.albums.some((x) => x.id === target.albumId)),
  );
};

export const CURATION_ROUTES: RouteCase[] = [
  {
    method: 'GET',
    route: '/api/assets/months',
    targets: 'none',
    url: () => '/api/assets/months',
    expect: (v, l) => ({ status: 200, keys: month(l, v) }),
    keys: months,
  },
  {
    method: 'PATCH',
    route: '/api/assets',
    targets: 'asset',
    url: () => '/api/assets',
    body: (l, t) => ({ ids: [assetOf(l, t).id], changes: { title: null } }),
    expect: (v, l, t) =>
      gated(v, 'asset.edit', () => !assetOf(l, t).trashed && canEditAsset(v, assetOf(l, t))),
  },
  {
    method: 'POST',
    route: '/api/edits/{id}/undo',
    targets: 'none',
    url: () => `/api/edits/${UNKNOWN}/undo`,
    expect: (v) => gated(v, 'asset.edit', () => false),
  },
  {
    method: 'GET',
    route: '/api/trash',
    targets: 'none',
    url: () => '/api/trash?limit=500',
    expect: (v, l) =>
      holds(v, 'asset.delete')
        ? {
            status: 200,
            keys: sorted(
              trashed(l)
                .filter((a) => canDeleteAsset(v, a))
                .map((a) => a.id),
            ),
          }
        : { status: 403 },
    keys: ids,
  },
  {
    method: 'GET',
    route: '/api/trash/{id}/thumbnail',
    targets: 'asset',
    url: (l, t) => `/api/trash/${assetOf(l, t).id}/thumbnail`,
    expect: (v, l, t) =>
      gated(v, 'asset.delete', () => assetOf(l, t).trashed && canDeleteAsset(v, assetOf(l, t))),
  },
  // Moving to the trash, restoring and emptying are held against the seed in trash.int-spec.ts;
  // here they meet unknown ids: refused by role, else the same 404 as for anything unseen.
  {
    method: 'POST',
    route: '/api/trash',
    targets: 'none',
    url: () => '/api/trash',
    body: () => ({ ids: [UNKNOWN] }),
    expect: (v) => gated(v, 'asset.delete', () => false),
  },
  {
    method: 'POST',
    route: '/api/trash/restore',
    targets: 'none',
    url: () => '/api/trash/restore',
    body: () => ({ ids: [UNKNOWN] }),
    expect: (v) => gated(v, 'asset.delete', () => false),
  },
  {
    method: 'POST',
    route: '/api/trash/empty',
    targets: 'none',
    url: () => '/api/trash/empty',
    body: () => ({ ids: [UNKNOWN] }),
    expect: (v) => gated(v, 'asset.delete', () => false),
  },
  {
    method: 'GET',
    route: '/api/trash/settings',
    targets: 'none',
    url: () => '/api/trash/settings',
    expect: (v) => gated(v, 'settings.library', () => true),
  },
  {
    method: 'PUT',
    route: '/api/trash/settings',
    targets: 'none',
    url: () => '/api/trash/settings',
    body: () => ({ deleteOriginals: false }),
    expect: (v) => gated(v, 'settings.library', () => true),
  },
  {
    method: 'POST',
    route: '/api/albums',
    targets: 'none',
    url: () => '/api/albums',
    body: () => ({ title: 'Made by the route test' }),
    expect: (v) => gated(v, 'album.create', () => true, CREATED),
  },
  {
    method: 'PATCH',
    route: '/api/albums/{id}',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}`,
    body: () => ({ title: 'Album' }),
    expect: (v, l, t) => gated(v, 'album.edit', () => canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'DELETE',
    route: '/api/albums/{id}',
    targets: 'none',
    url: () => `/api/albums/${UNKNOWN}`,
    expect: (v) => gated(v, 'album.delete', () => false),
  },
  {
    method: 'POST',
    route: '/api/albums/{id}/assets',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}/assets`,
    body: () => ({ ids: [UNKNOWN] }),
    expect: (v) => gated(v, 'album.edit', () => false),
  },
  {
    method: 'POST',
    route: '/api/albums/{id}/assets/remove',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}/assets/remove`,
    body: () => ({ ids: [UNKNOWN] }),
    expect: (v, l, t) => gated(v, 'album.edit', () => canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'GET',
    route: '/api/albums/{id}/policy',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}/policy`,
    expect: (v, l, t) => gated(v, 'album.edit', () => canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'PUT',
    route: '/api/albums/{id}/policy',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}/policy`,
    body: (l, t) => ({ policy: albumOf(l, t).policy }),
    expect: (v, l, t) => gated(v, 'album.edit', () => canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'GET',
    route: '/api/policies/assets/{id}',
    targets: 'asset',
    url: (l, t) => `/api/policies/assets/${assetOf(l, t).id}`,
    expect: (v, l, t) =>
      gated(v, 'asset.edit', () => !assetOf(l, t).trashed && canEditAsset(v, assetOf(l, t))),
  },
  {
    method: 'PUT',
    route: '/api/policies/assets',
    targets: 'asset',
    url: () => '/api/policies/assets',
    body: (l, t) => ({ ids: [assetOf(l, t).id], policy: assetOf(l, t).policy }),
    expect: (v, l, t) =>
      gated(v, 'asset.edit', () => !assetOf(l, t).trashed && canEditAsset(v, assetOf(l, t))),
  },
  // This instance never joined a portal: a permitted role learns the directory cannot be asked.
  {
    method: 'GET',
    route: '/api/directory',
    targets: 'none',
    url: () => '/api/directory?q=a',
    expect: (v) => ({ status: holds(v, 'album.edit') ? 503 : 403 }),
  },
  {
    method: 'GET',
    route: '/api/comments',
    targets: 'asset',
    url: (l, t) => `/api/comments?asset=${assetOf(l, t).id}`,
    expect: (v, l, t) => status(seeAsset(v, l, t)),
  },
  {
    method: 'GET',
    route: '/api/comments',
    targets: 'album',
    url: (l, t) => `/api/comments?album=${albumOf(l, t).id}`,
    expect: (v, l, t) => status(canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'POST',
    route: '/api/comments',
    targets: 'asset',
    url: () => '/api/comments',
    body: (l, t) => ({ assetId: assetOf(l, t).id, body: 'Nice one' }),
    expect: (v, l, t) =>
      gated(v, 'comment.create', () => !assetOf(l, t).trashed && canComment(v, assetOf(l, t)), CREATED),
  },
  {
    method: 'PATCH',
    route: '/api/comments/{id}',
    targets: 'none',
    url: () => `/api/comments/${UNKNOWN}`,
    body: () => ({ body: 'edited' }),
    expect: (v) => gated(v, 'comment.create', () => false),
  },
  {
    method: 'DELETE',
    route: '/api/comments/{id}',
    targets: 'none',
    url: () => `/api/comments/${UNKNOWN}`,
    expect: () => ({ status: 404 }),
  },
  {
    method: 'POST',
    route: '/api/share-links',
    targets: 'asset',
    url: () => '/api/share-links',
    body: (l, t) => ({ assetId: assetOf(l, t).id }),
    expect: (v, l, t) => gated(v, 'share_link.create', () => seeAsset(v, l, t), CREATED),
  },
  {
    method: 'GET',
    route: '/api/share-links',
    targets: 'none',
    url: () => '/api/share-links',
    expect: (v) => gated(v, 'share_link.manage', () => true),
  },
  {
    method: 'POST',
    route: '/api/share-links/{id}/revoke',
    targets: 'none',
    url: () => `/api/share-links/${UNKNOWN}/revoke`,
    expect: (v) => gated(v, 'share_link.manage', () => false),
  },
  {
    method: 'GET',
    route: '/api/share/{token}',
    targets: 'none',
    public: true,
    url: (_l, _t, c) => `/api/share/${c.token}`,
    expect: shared(() => ({ status: 200 })),
  },
  {
    method: 'POST',
    route: '/api/share/{token}/unlock',
    targets: 'none',
    public: true,
    url: (_l, _t, c) => `/api/share/${c.token}/unlock`,
    body: () => ({ password: 'guess' }),
    // Links here carry no password: a password is wrong for them, and an unknown link is unknown.
    expect: shared(() => ({ status: 401 })),
  },
  {
    method: 'GET',
    route: '/api/share/{token}/assets',
    targets: 'none',
    public: true,
    url: (_l, _t, c) => `/api/share/${c.token}/assets?limit=500`,
    expect: shared((visitor, l) => ({ status: 200, keys: sorted(linkScope(visitor, l).map((a) => a.id)) })),
    keys: ids,
  },
  {
    method: 'GET',
    route: '/api/share/{token}/months',
    targets: 'none',
    public: true,
    url: (_l, _t, c) => `/api/share/${c.token}/months`,
    expect: shared((visitor, l) => {
      const n = linkScope(visitor, l).length;
      return { status: 200, keys: n ? [`2024-01:${n}`] : [] };
    }),
    keys: months,
  },
  {
    method: 'GET',
    route: '/api/share/{token}/assets/{id}',
    targets: 'asset',
    public: true,
    url: (l, t, c) => `/api/share/${c.token}/assets/${assetOf(l, t).id}`,
    expect: shared((visitor, l, t) => status(seeAsset(visitor, l, t))),
  },
  {
    method: 'GET',
    route: '/api/share/{token}/assets/{id}/{kind}',
    targets: 'asset',
    public: true,
    url: (l, t, c) => `/api/share/${c.token}/assets/${assetOf(l, t).id}/thumbnail`,
    expect: shared((visitor, l, t) => status(seeAsset(visitor, l, t))),
  },
  {
    method: 'GET',
    route: '/api/share/{token}/assets/{id}/{kind}',
    targets: 'asset',
    public: true,
    url: (l, t, c) => `/api/share/${c.token}/assets/${assetOf(l, t).id}/original`,
    expect: shared((visitor, l, t) =>
      status(!assetOf(l, t).trashed && canDownloadOriginal(visitor, assetOf(l, t))),
    ),
  },
  {
    method: 'GET',
    route: '/api/share/{token}/download',
    targets: 'none',
    public: true,
    url: (_l, _t, c) => `/api/share/${c.token}/download`,
    // None for a link that forbids downloads; else an album link's zip (404 with nothing in it) or
    // an asset link's one original.
    expect: shared((visitor, l) => {
      const link = visitor.links[0]!;
      if (!link.downloadAllowed) return { status: 403 };
      return status(linkScope(visitor, l).some((a) => canDownloadOriginal(visitor, a)));
    }),
  },
];
