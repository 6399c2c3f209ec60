import { describe, expect, it } from 'vitest';
import type { AccessAllowed } from './access.js';
import { atriumClaims, parseAtriumClaims } from './claims.js';

const granted = (role: AccessAllowed['role']): AccessAllowed => ({
  allowed: true,
  role,
  source: { kind: 'grant', roleFrom: 'grant' },
  basePath: 'family/alice',
  uploadPath: null,
  reason: 'grant',
});
const ON = { userEnabled: true, featureEnabled: true };

describe('atriumClaims', () => {
  it('issues the resolved role, groups, paths and the WebDAV decision', () => {
    const groups = ['family'];
    const claims = atriumClaims(granted('contributor'), groups, ON);
    expect(claims).toEqual({
      atrium_role: 'contributor',
      atrium_groups: ['family'],
      atrium_base_path: 'family/alice',
      atrium_upload_path: null,
      atrium_webdav: true,
    });
    expect(claims.atrium_groups).not.toBe(groups);
    expect(atriumClaims(granted('viewer'), [], ON).atrium_webdav).toBe(false);
    expect(
      atriumClaims(granted('admin'), [], { userEnabled: true, featureEnabled: false }).atrium_webdav,
    ).toBe(false);
  });

  it('round-trips through parseAtriumClaims', () => {
    const claims = atriumClaims(granted('user'), ['a', 'cn=b,dc=c'], ON);
    expect(parseAtriumClaims({ ...claims })).toEqual({
      role: 'user',
      groups: ['a', 'cn=b,dc=c'],
      basePath: 'family/alice',
      uploadPath: null,
      webdav: true,
    });
  });
});

describe('parseAtriumClaims', () => {
  const good = { atrium_role: 'guest', atrium_groups: [] };

  it('reads missing paths as none and a missing WebDAV claim as no WebDAV', () => {
    expect(parseAtriumClaims(good)).toEqual({
      role: 'guest',
      groups: [],
      basePath: null,
      uploadPath: null,
      webdav: false,
    });
    expect(parseAtriumClaims({ ...good, atrium_base_path: null, atrium_upload_path: 'in/' }).uploadPath).toBe(
      'in',
    );
  });

  it.each([
    [{ atrium_groups: [] }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_role: 'cluster_admin' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_role: 'visitor' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_role: 'Admin' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_role: ['admin'] }, 'ERR_CLAIMS_INVALID'],
    [{ atrium_role: 'guest' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_groups: 'family' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_groups: ['family', 7] }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_webdav: 'true' }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_base_path: 7 }, 'ERR_CLAIMS_INVALID'],
    [{ ...good, atrium_base_path: '../etc' }, 'ERR_PATH_TRAVERSAL'],
    [{ ...good, atrium_upload_path: '/srv' }, 'ERR_PATH_ABSOLUTE'],
    [{ ...good, atrium_upload_path: 'in\u0000' }, 'ERR_PATH_INVALID'],
  ])('refuses %j with %s', (claims, code) => {
    expect(() => parseAtriumClaims(claims)).toThrow(expect.objectContaining({ code }));
  });
});
