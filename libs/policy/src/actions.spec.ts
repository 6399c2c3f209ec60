import { describe, expect, it } from 'vitest';
import {
  canComment,
  canDeleteAsset,
  canDeleteComment,
  canDownloadOriginal,
  canEditAsset,
  canUploadTo,
} from './actions.js';
import { ROLES, type Role } from './roles.js';
import { aPolicy, aViewer, albumLink, anAlbum, anAsset } from './test/factories.js';
import type { Viewer } from './visibility.js';

function byRole(check: (role: Role) => boolean): Record<string, boolean> {
  return Object.fromEntries(ROLES.map((role) => [role, check(role)]));
}

function expectRoles(check: (role: Role) => boolean, allowed: Role[]): void {
  expect(byRole(check)).toEqual(Object.fromEntries(ROLES.map((role) => [role, allowed.includes(role)])));
}

const alice = (role: Role, overrides: Partial<Viewer> = {}): Viewer =>
  aViewer(role, { basePath: 'family/alice', uploadPath: 'family/alice/inbox', ...overrides });

describe('canDownloadOriginal', () => {
  it('follows what each role sees', () => {
    const elsewhere = anAsset({ path: 'studio/a.jpg' });
    expectRoles(
      (role) => canDownloadOriginal(alice(role), elsewhere),
      ['admin', 'manager', 'user', 'viewer'],
    );
    const inBase = anAsset({ path: 'family/alice/a.jpg' });
    expectRoles(
      (role) => canDownloadOriginal(alice(role), inBase),
      ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'],
    );
    const privateOne = anAsset({ path: 'family/alice/a.jpg', private: true });
    expectRoles((role) => canDownloadOriginal(alice(role), privateOne), ['admin', 'manager', 'user']);
  });

  it('lets link holders download only when the link allows it', () => {
    const inAlbum = anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a1')] });
    const forbidding = { links: [albumLink('a1', false)] };
    const allowing = { links: [albumLink('a1', true)] };
    expectRoles(
      (role) => canDownloadOriginal(alice(role, forbidding), inAlbum),
      ['admin', 'manager', 'user', 'viewer'],
    );
    expectRoles(
      (role) => canDownloadOriginal(alice(role, allowing), inAlbum),
      ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest', 'visitor'],
    );
  });

  it('lets a guest download what a policy shares with it, whatever its links say', () => {
    const shared = anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a1', aPolicy({ everyone: true }))] });
    expect(canDownloadOriginal(alice('guest', { links: [albumLink('a1', false)] }), shared)).toBe(true);
  });
});

describe('canEditAsset and canDeleteAsset', () => {
  it('let contributors change only their own uploads', () => {
    const mine = anAsset({ path: 'family/alice/inbox/a.jpg', uploadedBy: 'acc-alice' });
    const theirs = anAsset({ path: 'family/alice/a.jpg', uploadedBy: 'acc-bob' });
    for (const check of [canEditAsset, canDeleteAsset]) {
      expectRoles((role) => check(alice(role), mine), ['admin', 'manager', 'user', 'contributor']);
      expectRoles((role) => check(alice(role), theirs), ['admin', 'manager', 'user']);
      expect(check(alice('contributor', { id: null }), anAsset({ uploadedBy: null }))).toBe(false);
    }
  });
});

describe('canComment', () => {
  it('lets admin, manager, user comment anywhere and contributors on what they see', () => {
    const inBase = anAsset({ path: 'family/alice/a.jpg' });
    expectRoles((role) => canComment(alice(role), inBase), ['admin', 'manager', 'user', 'contributor']);
    const elsewhere = anAsset({ path: 'studio/a.jpg' });
    expectRoles((role) => canComment(alice(role), elsewhere), ['admin', 'manager', 'user']);
  });

  it('gives no comment right through a link, which grants read access only', () => {
    const inAlbum = anAsset({ path: 'studio/a.jpg', albums: [anAlbum('a1')] });
    expect(canComment(alice('contributor', { links: [albumLink('a1', true)] }), inAlbum)).toBe(false);
  });
});

describe('canUploadTo', () => {
  it('lets admin, manager and user upload anywhere, a contributor only into its upload path', () => {
    expectRoles((role) => canUploadTo(alice(role), 'studio/2026'), ['admin', 'manager', 'user']);
    expectRoles(
      (role) => canUploadTo(alice(role), 'family/alice/inbox/trip'),
      ['admin', 'manager', 'user', 'contributor'],
    );
    expectRoles(
      (role) => canUploadTo(alice(role), './family/alice/inbox/'),
      ['admin', 'manager', 'user', 'contributor'],
    );
    expect(canUploadTo(alice('contributor'), 'family/alice/inboxes')).toBe(false);
    expect(canUploadTo(alice('contributor', { uploadPath: null }), 'family/alice/inbox')).toBe(false);
    expect(canUploadTo(alice('contributor', { uploadPath: '' }), 'anything')).toBe(false);
  });

  it.each([
    ['family/alice/inbox/../../bob', 'ERR_PATH_TRAVERSAL'],
    ['/family/alice/inbox', 'ERR_PATH_ABSOLUTE'],
    ['family/alice/inbox\u0000', 'ERR_PATH_INVALID'],
  ])('refuses the hostile folder %j with %s', (folder, code) => {
    expect(() => canUploadTo(alice('contributor'), folder)).toThrow(expect.objectContaining({ code }));
  });
});

describe('canDeleteComment', () => {
  it.each(ROLES.map((role) => [role] as const))(
    '%s: own comments, and any comment for admin and manager',
    (role) => {
      const viewer = aViewer(role, { id: role === 'visitor' ? null : 'acc-me' });
      expect(canDeleteComment(viewer, 'acc-me')).toBe(role !== 'visitor');
      expect(canDeleteComment(viewer, 'acc-other')).toBe(role === 'admin' || role === 'manager');
    },
  );
});
