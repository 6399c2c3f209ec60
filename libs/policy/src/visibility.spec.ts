import { describe, expect, it } from 'vitest';
import { NOBODY, assetSharedWith, effectivePolicies, policyAdmits } from './policies.js';
import { ROLES, type Role } from './roles.js';
import { aPolicy, aViewer, albumLink, anAlbum, anAsset, assetLink } from './test/factories.js';
import { canSeeAlbum, canSeeAsset, visibilityFilter, type Viewer } from './visibility.js';
import type { AssetFacts } from './policies.js';

// Every viewer below is alice (acc-alice, group "family", base path family/alice) unless a row says otherwise.
function viewerAs(role: Role, overrides: Partial<Viewer> = {}): Viewer {
  return aViewer(role, { groups: ['family'], basePath: 'family/alice', ...overrides });
}

const Y = true;
const N = false;
const EVERYONE = aPolicy({ everyone: true });

// prettier-ignore
const ASSET_TABLE: [string, AssetFacts, Partial<Viewer>, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]][] = [
  //  scenario                                           asset                                                                                    viewer                                  admin manager user contributor viewer guest visitor
  ['plain photo elsewhere, no policy',                   anAsset({ path: 'studio/a.jpg' }),                                                       {},                                     [Y, Y, Y, N, Y, N, N]],
  ['private photo elsewhere',                            anAsset({ path: 'studio/a.jpg', private: true }),                                        {},                                     [Y, Y, Y, N, N, N, N]],
  ['archived photo elsewhere',                           anAsset({ path: 'studio/a.jpg', archived: true }),                                       {},                                     [Y, Y, Y, N, N, N, N]],
  ['photo in the base path',                             anAsset({ path: 'family/alice/a.jpg' }),                                                 {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['photo in a sibling folder of the base path',         anAsset({ path: 'family/alicex/a.jpg' }),                                                {},                                     [Y, Y, Y, N, Y, N, N]],
  ['private photo in the base path',                     anAsset({ path: 'family/alice/a.jpg', private: true }),                                  {},                                     [Y, Y, Y, N, N, N, N]],
  ['archived photo in the base path',                    anAsset({ path: 'family/alice/a.jpg', archived: true }),                                 {},                                     [Y, Y, Y, N, N, N, N]],
  ['photo anywhere, no base path',                       anAsset({ path: 'family/alice/a.jpg' }),                                                 { basePath: null },                     [Y, Y, Y, N, Y, N, N]],
  ['photo anywhere, root base path means none',          anAsset({ path: 'a.jpg' }),                                                              { basePath: '' },                       [Y, Y, Y, N, Y, N, N]],
  ['in an album shared with everyone',                   anAsset({ albums: [anAlbum('a1', EVERYONE)] }),                                          {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['in an album shared with alice by id',                anAsset({ albums: [anAlbum('a1', aPolicy({ users: ['acc-alice'] }))] }),                 {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['in an album shared with bob only',                   anAsset({ albums: [anAlbum('a1', aPolicy({ users: ['acc-bob'] }))] }),                   {},                                     [Y, Y, Y, N, Y, N, N]],
  ['in an album shared with group family',               anAsset({ albums: [anAlbum('a1', aPolicy({ groups: ['family'] }))] }),                   {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['in an album shared with group Family (other case)',  anAsset({ albums: [anAlbum('a1', aPolicy({ groups: ['Family'] }))] }),                   {},                                     [Y, Y, Y, N, Y, N, N]],
  ['in one unshared and one shared album (union)',       anAsset({ albums: [anAlbum('a1'), anAlbum('a2', EVERYONE)] }),                           {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['private, in an album shared with everyone',          anAsset({ private: true, albums: [anAlbum('a1', EVERYONE)] }),                           {},                                     [Y, Y, Y, N, N, N, N]],
  ['archived, with its own policy for everyone',         anAsset({ archived: true, policy: EVERYONE }),                                           {},                                     [Y, Y, Y, N, N, N, N]],
  ['own empty policy narrows a shared album',            anAsset({ policy: NOBODY, albums: [anAlbum('a1', EVERYONE)] }),                          {},                                     [Y, Y, Y, N, Y, N, N]],
  ['own policy widens an unshared album',                anAsset({ policy: aPolicy({ groups: ['family'] }), albums: [anAlbum('a1')] }),           {},                                     [Y, Y, Y, Y, Y, Y, N]],
  ['uploaded by alice, outside her paths',               anAsset({ path: 'studio/a.jpg', uploadedBy: 'acc-alice' }),                              {},                                     [Y, Y, Y, Y, Y, N, N]],
  ['uploaded by alice, private and archived',            anAsset({ path: 'studio/a.jpg', uploadedBy: 'acc-alice', private: true, archived: true }), {},                                   [Y, Y, Y, Y, N, N, N]],
  ['uploaded by bob',                                    anAsset({ path: 'studio/a.jpg', uploadedBy: 'acc-bob' }),                                {},                                     [Y, Y, Y, N, Y, N, N]],
  ['in album a1, holder of a link to a1',                anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a1')] }),                              { links: [albumLink('a1')] },           [Y, Y, Y, Y, Y, Y, Y]],
  ['in album a2, holder of a link to a1',                anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a2')] }),                              { links: [albumLink('a1')] },           [Y, Y, Y, N, Y, N, N]],
  ['private, in album a1, link to a1',                   anAsset({ path: 'studio/a.jpg', private: true, albums: [anAlbum('a1')] }),               { links: [albumLink('a1')] },           [Y, Y, Y, N, N, N, N]],
  ['archived, in album a1, link to a1',                  anAsset({ path: 'studio/a.jpg', archived: true, albums: [anAlbum('a1')] }),              { links: [albumLink('a1')] },           [Y, Y, Y, N, N, N, N]],
  ['own policy, in album a1, link to a1',                anAsset({ path: 'studio/a.jpg', policy: NOBODY, albums: [anAlbum('a1')] }),              { links: [albumLink('a1')] },           [Y, Y, Y, N, Y, N, N]],
  ['own policy, link to the asset itself',               anAsset({ id: 'x', path: 'studio/a.jpg', policy: NOBODY }),                              { links: [assetLink('x')] },            [Y, Y, Y, Y, Y, Y, Y]],
  ['private, link to the asset itself',                  anAsset({ id: 'x', path: 'studio/a.jpg', private: true }),                               { links: [assetLink('x')] },            [Y, Y, Y, N, N, N, N]],
  ['another asset, link to asset x',                     anAsset({ id: 'y', path: 'studio/a.jpg', albums: [anAlbum('x')] }),                      { links: [assetLink('x')] },            [Y, Y, Y, N, Y, N, N]],
  ['shared with everyone, viewer without an id',         anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a1', EVERYONE)] }),                    { id: null },                           [Y, Y, Y, N, Y, N, N]],
];

describe('canSeeAsset (rules 5–7)', () => {
  it.each(ASSET_TABLE)('%s', (_scenario, asset, overrides, expected) => {
    const seen = ROLES.map((role) => canSeeAsset(viewerAs(role, overrides), asset));
    expect(Object.fromEntries(ROLES.map((role, i) => [role, seen[i]]))).toEqual(
      Object.fromEntries(ROLES.map((role, i) => [role, expected[i]])),
    );
  });

  it('refuses a hostile base path or asset path', () => {
    const scoped = viewerAs('guest');
    expect(() => canSeeAsset(viewerAs('guest', { basePath: '../family' }), anAsset())).toThrow(
      expect.objectContaining({ code: 'ERR_PATH_TRAVERSAL' }),
    );
    expect(() => canSeeAsset(scoped, anAsset({ path: '/etc/passwd' }))).toThrow(
      expect.objectContaining({ code: 'ERR_PATH_ABSOLUTE' }),
    );
    expect(() => canSeeAsset(scoped, anAsset({ path: 'family/alice/\u0000' }))).toThrow(
      expect.objectContaining({ code: 'ERR_PATH_INVALID' }),
    );
  });

  it('refuses an unknown role', () => {
    expect(() => canSeeAsset(viewerAs('cluster_admin' as Role), anAsset())).toThrow(
      expect.objectContaining({ code: 'ERR_ROLE_UNKNOWN' }),
    );
  });
});

// prettier-ignore
const ALBUM_TABLE: [string, ReturnType<typeof anAlbum>, Partial<Viewer>, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]][] = [
  //  scenario                          album                                                  viewer                          admin manager user contributor viewer guest visitor
  ['album without policy',              anAlbum('a1'),                                         {},                             [Y, Y, Y, N, Y, N, N]],
  ['album shared with everyone',        anAlbum('a1', EVERYONE),                               {},                             [Y, Y, Y, Y, Y, Y, N]],
  ['album shared with alice',           anAlbum('a1', aPolicy({ users: ['acc-alice'] })),      {},                             [Y, Y, Y, Y, Y, Y, N]],
  ['album shared with group family',    anAlbum('a1', aPolicy({ groups: ['family'] })),        {},                             [Y, Y, Y, Y, Y, Y, N]],
  ['album shared with nobody',          anAlbum('a1', NOBODY),                                 {},                             [Y, Y, Y, N, Y, N, N]],
  ['album named by a link',             anAlbum('a1'),                                         { links: [albumLink('a1')] },   [Y, Y, Y, Y, Y, Y, Y]],
  ['another album than the link names', anAlbum('a2'),                                         { links: [albumLink('a1')] },   [Y, Y, Y, N, Y, N, N]],
  ['album a1, link to asset a1',        anAlbum('a1'),                                         { links: [assetLink('a1')] },   [Y, Y, Y, N, Y, N, N]],
];

describe('canSeeAlbum', () => {
  it.each(ALBUM_TABLE)('%s', (_scenario, album, overrides, expected) => {
    const seen = Object.fromEntries(
      ROLES.map((role) => [role, canSeeAlbum(viewerAs(role, overrides), album)]),
    );
    expect(seen).toEqual(Object.fromEntries(ROLES.map((role, i) => [role, expected[i]])));
  });
});

describe('visibilityFilter', () => {
  it('describes each scope as data for SQL', () => {
    expect(visibilityFilter(viewerAs('user'))).toEqual({ scope: 'all' });
    expect(visibilityFilter(viewerAs('viewer'))).toEqual({ scope: 'all_but_private_archived' });
    expect(visibilityFilter(viewerAs('visitor', { links: [albumLink('a1', true)] }))).toEqual({
      scope: 'link',
      links: [{ kind: 'album', albumId: 'a1' }],
    });
    expect(visibilityFilter(viewerAs('contributor', { basePath: './family/alice/' }))).toEqual({
      scope: 'scoped',
      basePath: 'family/alice',
      ownUploadsOf: 'acc-alice',
      member: { userId: 'acc-alice', groups: ['family'] },
      links: [],
    });
    expect(visibilityFilter(viewerAs('guest', { id: null }))).toMatchObject({
      ownUploadsOf: null,
      member: null,
    });
  });
});

describe('policies', () => {
  it('admits by everyone, user id or group, and never an anonymous member', () => {
    const member = { userId: 'acc-alice', groups: ['family'] };
    expect(policyAdmits(null, member)).toBe(false);
    expect(policyAdmits(EVERYONE, null)).toBe(false);
    expect(policyAdmits(NOBODY, member)).toBe(false);
    expect(policyAdmits(aPolicy({ users: ['acc-alice'] }), member)).toBe(true);
    expect(policyAdmits(aPolicy({ groups: ['family'] }), member)).toBe(true);
    expect(policyAdmits(aPolicy({ users: ['alice'], groups: ['staff'] }), member)).toBe(false);
  });

  it("uses a photo's own policy instead of its albums'", () => {
    const own = aPolicy({ users: ['acc-bob'] });
    const asset = anAsset({ policy: own, albums: [anAlbum('a1', EVERYONE)] });
    expect(effectivePolicies(asset)).toEqual([own]);
    expect(effectivePolicies(anAsset({ albums: [anAlbum('a1', EVERYONE), anAlbum('a2')] }))).toEqual([
      EVERYONE,
      null,
    ]);
    expect(assetSharedWith(asset, { userId: 'acc-alice', groups: [] })).toBe(false);
    expect(assetSharedWith(asset, { userId: 'acc-bob', groups: [] })).toBe(true);
  });
});
