import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canDownloadOriginal } from './actions.js';
import { linkShowsAlbum, linkShowsAsset } from './share-links.js';
import { album, asset, group, viewer } from './test/arbitraries.js';
import { canSeeAlbum, canSeeAsset } from './visibility.js';

describe('visibility properties', () => {
  it('never shows a visitor anything its link does not name', () => {
    fc.assert(
      fc.property(viewer, asset, album, (v, a, al) => {
        const visitor = { ...v, role: 'visitor' as const };
        const named = visitor.links.some(({ target }) =>
          target.kind === 'asset' ? target.assetId === a.id : a.albums.some((x) => x.id === target.albumId),
        );
        if (canSeeAsset(visitor, a)) expect(named).toBe(true);
        expect(canSeeAsset(visitor, a)).toBe(visitor.links.some(({ target }) => linkShowsAsset(target, a)));
        expect(canSeeAlbum(visitor, al)).toBe(
          visitor.links.some(({ target }) => linkShowsAlbum(target, al.id)),
        );
        if (canDownloadOriginal(visitor, a)) expect(canSeeAsset(visitor, a)).toBe(true);
      }),
    );
  });

  it('lets no role see more than admin', () => {
    fc.assert(
      fc.property(viewer, asset, album, (v, a, al) => {
        const admin = { ...v, role: 'admin' as const };
        if (canSeeAsset(v, a)) expect(canSeeAsset(admin, a)).toBe(true);
        if (canSeeAlbum(v, al)) expect(canSeeAlbum(admin, al)).toBe(true);
        if (canDownloadOriginal(v, a)) expect(canDownloadOriginal(admin, a)).toBe(true);
      }),
    );
  });

  it("lets a photo's own policy always win over its albums'", () => {
    fc.assert(
      fc.property(
        viewer,
        asset,
        fc.uniqueArray(album, { maxLength: 3, selector: (x) => x.id }),
        (v, a, otherAlbums) => {
          fc.pre(a.policy !== null);
          // Album links name albums, not photos with their own policy, so only policies may differ here.
          const sameMembership = a.albums.map((x, i) => ({ ...x, policy: otherAlbums[i]?.policy ?? null }));
          expect(canSeeAsset(v, { ...a, albums: sameMembership })).toBe(canSeeAsset(v, a));
          const withoutLinks = { ...v, links: [] };
          expect(canSeeAsset(withoutLinks, { ...a, albums: otherAlbums })).toBe(canSeeAsset(withoutLinks, a));
        },
      ),
    );
  });

  it('never hides anything when the viewer joins a group', () => {
    fc.assert(
      fc.property(viewer, asset, album, group, (v, a, al, extra) => {
        const joined = { ...v, groups: [...v.groups, extra] };
        if (canSeeAsset(v, a)) expect(canSeeAsset(joined, a)).toBe(true);
        if (canSeeAlbum(v, al)) expect(canSeeAlbum(joined, al)).toBe(true);
      }),
    );
  });

  it('keeps private and archived photos from viewers, guests and visitors, and contributors unless they uploaded them', () => {
    fc.assert(
      fc.property(viewer, asset, (v, a) => {
        fc.pre(a.private || a.archived);
        const own = v.id !== null && a.uploadedBy === v.id;
        const expected = ['admin', 'manager', 'user'].includes(v.role) || (v.role === 'contributor' && own);
        expect(canSeeAsset(v, a)).toBe(expected);
      }),
    );
  });

  it('shows a viewer exactly what is neither private nor archived', () => {
    fc.assert(
      fc.property(viewer, asset, (v, a) => {
        expect(canSeeAsset({ ...v, role: 'viewer' }, a)).toBe(!a.private && !a.archived);
      }),
    );
  });
});
