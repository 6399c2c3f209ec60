import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PERMISSION_NAMES,
  PERMISSIONS,
  can,
  hasPermission,
  isPermission,
  scopeOf,
  visibilityScope,
  webdavAllowed,
  type Permission,
  type PermissionContext,
  type Scope,
} from './permissions.js';
import { ROLES, compareRoles, type Role } from './roles.js';
import { isPolicyError } from './errors.js';

type Expect = Partial<Record<Permission, Scope>>;

// Each matrix column, phrase by phrase, as the scopes that phrase means.
const SEES: Record<string, Expect> = {
  everything: {
    'asset.view': 'all',
    'asset.view_private': 'all',
    'asset.view_archived': 'all',
    'album.view': 'all',
  },
  'whole library incl. private & archived': {
    'asset.view': 'all',
    'asset.view_private': 'all',
    'asset.view_archived': 'all',
    'album.view': 'all',
  },
  'whole library except private & archived': {
    'asset.view': 'all_but_private_archived',
    'asset.view_private': 'none',
    'asset.view_archived': 'none',
    'album.view': 'all',
  },
  'its base path + what is shared with it': {
    'asset.view': 'scoped',
    'asset.view_private': 'none',
    'asset.view_archived': 'none',
    'album.view': 'scoped',
  },
  'only what its link names': {
    'asset.view': 'link',
    'asset.view_private': 'none',
    'asset.view_archived': 'none',
    'album.view': 'link',
  },
};
SEES['like user'] = SEES['whole library incl. private & archived']!;

const LIBRARY_CHANGES: Expect = {
  'asset.edit': 'all',
  'asset.delete': 'all',
  'album.create': 'all',
  'album.edit': 'all',
  'album.delete': 'all',
  'library.index': 'all',
};
const NO_ADMINISTRATION: Expect = { 'users.view': 'none', 'audit.view': 'none', 'sessions.end': 'none' };
const ADMINISTRATION: Expect = { 'users.view': 'all', 'audit.view': 'all', 'sessions.end': 'all' };
const NO_CHANGES: Expect = {
  ...NO_ADMINISTRATION,
  'asset.edit': 'none',
  'asset.delete': 'none',
  'album.create': 'none',
  'album.edit': 'none',
  'album.delete': 'none',
  'library.index': 'none',
};

const CHANGES: Record<string, Expect> = {
  everything: { ...LIBRARY_CHANGES, ...ADMINISTRATION },
  'like user; views users and audits, ends sessions': { ...LIBRARY_CHANGES, ...ADMINISTRATION },
  'all assets and albums': { ...LIBRARY_CHANGES, ...NO_ADMINISTRATION },
  'only its uploads': { ...NO_CHANGES, 'asset.edit': 'own_uploads', 'asset.delete': 'own_uploads' },
  nothing: NO_CHANGES,
};

const UPLOADS: Record<string, Expect> = {
  anywhere: { 'asset.upload': 'all' },
  'into its upload path': { 'asset.upload': 'upload_path' },
  no: { 'asset.upload': 'none' },
};

const DOWNLOADS: Record<string, Expect> = {
  yes: { 'asset.download_original': 'all' },
  'what it sees': { 'asset.download_original': 'visible' },
  'if the link allows': { 'asset.download_original': 'link_download' },
};

const COMMENTS: Record<string, Expect> = {
  yes: { 'comment.create': 'all' },
  'yes (on what it sees)': { 'comment.create': 'visible' },
  no: { 'comment.create': 'none' },
};

const SHARE_LINKS: Record<string, Expect> = {
  yes: { 'share_link.create': 'all', 'share_link.manage': 'all' },
  no: { 'share_link.create': 'none', 'share_link.manage': 'none' },
};

const WEBDAV: Record<string, Expect> = {
  'if enabled': { 'webdav.access': 'all' },
  'upload path, if enabled': { 'webdav.access': 'upload_path' },
  no: { 'webdav.access': 'none' },
};

const OWN_PREFERENCES: Expect = {
  'settings.library': 'none',
  'settings.advanced': 'none',
  'settings.own_preferences': 'all',
};
const SETTINGS: Record<string, Expect> = {
  'library + advanced': {
    'settings.library': 'all',
    'settings.advanced': 'all',
    'settings.own_preferences': 'all',
  },
  // docs/architecture.md writes "no" for manager; a manager is "like user" and keeps its own preferences.
  'no (own preferences kept)': OWN_PREFERENCES,
  'own preferences': OWN_PREFERENCES,
  none: { 'settings.library': 'none', 'settings.advanced': 'none', 'settings.own_preferences': 'none' },
};

// prettier-ignore
const MATRIX: [Role, string, string, string, string, string, string, string, string][] = [
  // role          sees                                        changes                                              uploads                 download originals    comment                  share links  WebDAV                     settings
  ['admin',       'everything',                               'everything',                                        'anywhere',             'yes',                'yes',                   'yes',       'if enabled',              'library + advanced'],
  ['manager',     'like user',                                'like user; views users and audits, ends sessions', 'anywhere',             'yes',                'yes',                   'yes',       'if enabled',              'no (own preferences kept)'],
  ['user',        'whole library incl. private & archived',   'all assets and albums',                             'anywhere',             'yes',                'yes',                   'yes',       'if enabled',              'own preferences'],
  ['contributor', 'its base path + what is shared with it',   'only its uploads',                                  'into its upload path', 'what it sees',       'yes (on what it sees)', 'no',        'upload path, if enabled', 'own preferences'],
  ['viewer',      'whole library except private & archived',  'nothing',                                           'no',                   'what it sees',       'no',                    'no',        'no',                      'own preferences'],
  ['guest',       'its base path + what is shared with it',   'nothing',                                           'no',                   'what it sees',       'no',                    'no',        'no',                      'own preferences'],
  ['visitor',     'only what its link names',                 'nothing',                                           'no',                   'if the link allows', 'no',                    'no',        'no',                      'none'],
];

function expected(phrases: Record<string, Expect>, phrase: string): Expect {
  const scopes = phrases[phrase];
  if (scopes === undefined) throw new Error(`the test table uses an unknown phrase: ${phrase}`);
  return scopes;
}

describe('the role matrix (docs/architecture.md rule 5)', () => {
  it('has one row per role, in order of privilege', () => {
    expect(MATRIX.map(([role]) => role)).toEqual([...ROLES]);
  });

  it.each(MATRIX)(
    '%s: sees %s; changes %s; uploads %s; downloads %s; comments %s; share links %s; WebDAV %s; settings %s',
    (role, sees, changes, uploads, downloads, comments, shareLinks, webdav, settings) => {
      const row: Expect = {
        ...expected(SEES, sees),
        ...expected(CHANGES, changes),
        ...expected(UPLOADS, uploads),
        ...expected(DOWNLOADS, downloads),
        ...expected(COMMENTS, comments),
        ...expected(SHARE_LINKS, shareLinks),
        ...expected(WEBDAV, webdav),
        ...expected(SETTINGS, settings),
      };
      // The columns name every permission, so the row is compared whole.
      expect(Object.keys(row).sort()).toEqual([...PERMISSION_NAMES].sort());
      expect(PERMISSIONS[role]).toEqual(row);
    },
  );

  it('rejects a phrase the table does not define', () => {
    expect(() => expected(UPLOADS, 'sometimes')).toThrow(/unknown phrase/);
  });
});

const ALL_FACTS: PermissionContext = {
  visible: true,
  ownUpload: true,
  inUploadPath: true,
  linkAllowsDownload: true,
  webdav: { userEnabled: true, featureEnabled: true },
};

describe('can', () => {
  it.each([
    ['admin', 'settings.advanced', {}, true],
    ['user', 'settings.library', ALL_FACTS, false],
    ['viewer', 'asset.view', { visible: true }, true],
    ['viewer', 'asset.view', {}, false],
    ['contributor', 'asset.edit', { ownUpload: true }, true],
    ['contributor', 'asset.edit', { ownUpload: false, visible: true }, false],
    ['contributor', 'asset.upload', { inUploadPath: true }, true],
    ['contributor', 'asset.upload', { visible: true }, false],
    ['guest', 'asset.download_original', { visible: true }, true],
    ['guest', 'asset.download_original', { visible: false }, false],
    ['guest', 'comment.create', ALL_FACTS, false],
    ['visitor', 'asset.download_original', { visible: true, linkAllowsDownload: true }, true],
    ['visitor', 'asset.download_original', { visible: true, linkAllowsDownload: false }, false],
    ['visitor', 'asset.download_original', { visible: false, linkAllowsDownload: true }, false],
    ['visitor', 'settings.own_preferences', ALL_FACTS, false],
    ['manager', 'sessions.end', undefined, true],
  ] as [Role, Permission, PermissionContext | undefined, boolean][])(
    '%s %s %j → %s',
    (role, permission, ctx, allowed) => {
      expect(can(role, permission, ctx)).toBe(allowed);
    },
  );

  it('opens WebDAV only when the account flag and the feature are both on', () => {
    for (const role of ['admin', 'manager', 'user'] as const) {
      expect(can(role, 'webdav.access', { webdav: { userEnabled: true, featureEnabled: true } })).toBe(true);
      expect(can(role, 'webdav.access', { webdav: { userEnabled: false, featureEnabled: true } })).toBe(
        false,
      );
      expect(can(role, 'webdav.access', { webdav: { userEnabled: true, featureEnabled: false } })).toBe(
        false,
      );
      expect(can(role, 'webdav.access')).toBe(false);
    }
    const on = { userEnabled: true, featureEnabled: true };
    expect(can('contributor', 'webdav.access', { webdav: on, inUploadPath: true })).toBe(true);
    expect(can('contributor', 'webdav.access', { webdav: on, inUploadPath: false })).toBe(false);
    expect(can('viewer', 'webdav.access', ALL_FACTS)).toBe(false);
  });

  it('refuses a scoped permission when the context lacks the fact its scope needs (closed by default)', () => {
    for (const role of ROLES) {
      for (const permission of PERMISSION_NAMES) {
        expect(can(role, permission)).toBe(
          scopeOf(role, permission) === 'all' && permission !== 'webdav.access',
        );
      }
    }
  });

  it('never lets a role do what admin cannot do', () => {
    const facts = fc.record(
      {
        visible: fc.boolean(),
        ownUpload: fc.boolean(),
        inUploadPath: fc.boolean(),
        linkAllowsDownload: fc.boolean(),
        webdav: fc.record({ userEnabled: fc.boolean(), featureEnabled: fc.boolean() }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...ROLES),
        fc.constantFrom(...PERMISSION_NAMES),
        facts,
        (role, permission, ctx) => {
          if (can(role, permission, ctx)) expect(can('admin', permission, ctx)).toBe(true);
        },
      ),
    );
  });

  it('gives manager at least what user has, and admin at least what manager has', () => {
    const chain: Role[] = ['user', 'manager', 'admin'];
    for (const permission of PERMISSION_NAMES) {
      for (let i = 1; i < chain.length; i++) {
        if (hasPermission(chain[i - 1]!, permission)) expect(hasPermission(chain[i]!, permission)).toBe(true);
      }
    }
    expect(compareRoles('admin', 'manager')).toBeGreaterThan(0);
  });

  it('refuses unknown roles and permissions with stable codes', () => {
    const badRoles = ['root', 'Admin', 'cluster_admin', '', '__proto__', 'constructor', 'toString'];
    for (const bad of badRoles) {
      expect(() => can(bad as Role, 'asset.view')).toThrow(
        expect.objectContaining({ code: 'ERR_ROLE_UNKNOWN' }),
      );
    }
    for (const bad of ['asset.fly', '', 'constructor', '__proto__', 'ASSET.VIEW']) {
      expect(() => can('admin', bad as Permission)).toThrow(
        expect.objectContaining({ code: 'ERR_PERMISSION_UNKNOWN' }),
      );
    }
    expect(isPermission(42)).toBe(false);
    expect(isPermission('album.view')).toBe(true);
  });
});

describe('visibilityScope', () => {
  it.each([
    ['admin', 'all'],
    ['manager', 'all'],
    ['user', 'all'],
    ['contributor', 'scoped'],
    ['viewer', 'all_but_private_archived'],
    ['guest', 'scoped'],
    ['visitor', 'link'],
  ] as const)('%s → %s', (role, scope) => {
    expect(visibilityScope(role)).toBe(scope);
  });

  it('refuses an unknown role', () => {
    let caught: unknown;
    try {
      visibilityScope('owner' as Role);
    } catch (error) {
      caught = error;
    }
    expect(isPolicyError(caught, 'ERR_ROLE_UNKNOWN')).toBe(true);
  });
});

describe('webdavAllowed', () => {
  it.each([
    ['admin', true, true, true],
    ['user', true, false, false],
    ['manager', false, true, false],
    ['contributor', true, true, true],
    ['viewer', true, true, false],
    ['guest', true, true, false],
    ['visitor', true, true, false],
  ] as [Role, boolean, boolean, boolean][])(
    '%s, user flag %s, feature %s → %s',
    (role, userEnabled, featureEnabled, allowed) => {
      expect(webdavAllowed(role, { userEnabled, featureEnabled })).toBe(allowed);
    },
  );
});
