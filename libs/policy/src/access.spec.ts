import { describe, expect, it } from 'vitest';
import { matchingMappings, resolveAccess, selectGrant, type AccessInput } from './access.js';
import type { InstanceRole } from './roles.js';
import { aGrant, aMapping, anAccount } from './test/factories.js';

function input(overrides: Partial<AccessInput> = {}): AccessInput {
  return { account: anAccount(), grants: [], mappings: [], ...overrides };
}

describe('resolveAccess: closed by default (rule 1)', () => {
  it('denies an account with neither grant nor matching group', () => {
    expect(resolveAccess(input())).toEqual({ allowed: false, reason: 'no_grant_or_group' });
    expect(
      resolveAccess(
        input({
          account: anAccount({ groups: ['family'], accountRole: 'admin' }),
          grants: [aGrant({ userId: 'acc-bob', role: 'admin' })],
          mappings: [aMapping('staff', 'admin'), aMapping('Family', 'user')],
        }),
      ),
    ).toEqual({ allowed: false, reason: 'no_grant_or_group' });
  });

  it('denies a disabled account whatever it was granted', () => {
    const decision = resolveAccess(
      input({
        account: anAccount({ disabled: true, groups: ['staff'] }),
        grants: [aGrant({ role: 'admin' })],
        mappings: [aMapping('staff', 'admin')],
      }),
    );
    expect(decision).toEqual({ allowed: false, reason: 'account_disabled' });
  });

  it('treats an account whose disabled flag is not exactly false as disabled', () => {
    for (const disabled of [undefined, null, 'no', 0]) {
      const account = { ...anAccount(), disabled: disabled as unknown as boolean };
      expect(resolveAccess(input({ account, grants: [aGrant({ role: 'user' })] }))).toEqual({
        allowed: false,
        reason: 'account_disabled',
      });
    }
  });

  it('gives cluster_admin nothing: a cluster admin without grant or group is denied', () => {
    const decision = resolveAccess(
      input({ account: anAccount({ clusterAdmin: true, accountRole: 'admin' }) }),
    );
    expect(decision).toEqual({ allowed: false, reason: 'no_grant_or_group' });
  });
});

describe('resolveAccess: grants (rule 2a)', () => {
  it('applies the grant role over the account role', () => {
    const decision = resolveAccess(input({ grants: [aGrant({ role: 'viewer' })] }));
    expect(decision).toEqual({
      allowed: true,
      role: 'viewer',
      source: { kind: 'grant', roleFrom: 'grant' },
      basePath: null,
      uploadPath: null,
      reason: 'grant',
    });
  });

  it.each([null, ''] as const)('inherits the account role when the grant role is %j', (role) => {
    const decision = resolveAccess(
      input({ account: anAccount({ accountRole: 'contributor' }), grants: [aGrant({ role })] }),
    );
    expect(decision).toMatchObject({
      allowed: true,
      role: 'contributor',
      source: { kind: 'grant', roleFrom: 'account' },
      reason: 'grant_account_role',
    });
  });

  it('lets a grant win over a higher group, so grants can also narrow', () => {
    const decision = resolveAccess(
      input({
        account: anAccount({ groups: ['staff'] }),
        grants: [aGrant({ role: 'guest', basePath: 'guests/{username}' })],
        mappings: [aMapping('staff', 'admin', { basePath: 'staff' })],
      }),
    );
    expect(decision).toMatchObject({
      allowed: true,
      role: 'guest',
      basePath: 'guests/alice',
      source: { kind: 'grant' },
    });
  });

  it('ignores grants of other accounts', () => {
    const grants = [aGrant({ userId: 'acc-bob', role: 'admin' }), aGrant({ role: 'guest' })];
    expect(resolveAccess(input({ grants }))).toMatchObject({ role: 'guest' });
  });

  it('picks the highest of duplicate grants, whatever their order', () => {
    const grants = [aGrant({ role: 'guest' }), aGrant({ role: 'manager' }), aGrant({ role: 'viewer' })];
    expect(resolveAccess(input({ grants }))).toMatchObject({ role: 'manager' });
    expect(resolveAccess(input({ grants: [...grants].reverse() }))).toMatchObject({ role: 'manager' });
    const samePaths = [aGrant({ role: 'user', basePath: 'b' }), aGrant({ role: 'user', basePath: 'a' })];
    expect(resolveAccess(input({ grants: samePaths }))).toMatchObject({ basePath: 'a' });
  });

  it('prefers an explicit grant role over an equal inherited one, whatever their order', () => {
    const grants = [aGrant({ role: null }), aGrant({ role: 'user' })];
    for (const order of [grants, [...grants].reverse()]) {
      expect(resolveAccess(input({ grants: order }))).toMatchObject({
        role: 'user',
        reason: 'grant',
        source: { kind: 'grant', roleFrom: 'grant' },
      });
    }
  });

  it('denies when the grant names something that is not an instance role, without falling back to groups', () => {
    for (const role of ['cluster_admin', 'visitor', 'root', 'Admin']) {
      const decision = resolveAccess(
        input({
          account: anAccount({ groups: ['staff'] }),
          grants: [aGrant({ role: role as InstanceRole })],
          mappings: [aMapping('staff', 'admin')],
        }),
      );
      expect(decision).toEqual({ allowed: false, reason: 'grant_role_invalid' });
    }
  });

  it('prefers a usable duplicate grant over an unusable one', () => {
    const grants = [aGrant({ role: 'cluster_admin' as InstanceRole }), aGrant({ role: 'viewer' })];
    expect(resolveAccess(input({ grants }))).toMatchObject({ allowed: true, role: 'viewer' });
  });

  it('denies an empty grant when the account role is not an instance role', () => {
    for (const accountRole of ['cluster_admin', 'visitor', '']) {
      const decision = resolveAccess(
        input({
          account: anAccount({ accountRole: accountRole as InstanceRole }),
          grants: [aGrant({ role: null })],
        }),
      );
      expect(decision).toEqual({ allowed: false, reason: 'account_role_invalid' });
    }
  });
});

describe('resolveAccess: group mappings (rule 2b)', () => {
  it('admits a member of a mapped group with the mapped role and paths', () => {
    const decision = resolveAccess(
      input({
        account: anAccount({ groups: ['family'] }),
        mappings: [
          aMapping('family', 'contributor', { basePath: 'family', uploadPath: 'family/uploads/{username}' }),
        ],
      }),
    );
    expect(decision).toEqual({
      allowed: true,
      role: 'contributor',
      source: { kind: 'group', group: 'family', match: 'name' },
      basePath: 'family',
      uploadPath: 'family/uploads/alice',
      reason: 'group',
    });
  });

  it('compares OIDC group names exactly as given', () => {
    const mappings = [aMapping('Family', 'user')];
    expect(resolveAccess(input({ account: anAccount({ groups: ['family'] }), mappings })).allowed).toBe(
      false,
    );
    expect(resolveAccess(input({ account: anAccount({ groups: ['Family '] }), mappings })).allowed).toBe(
      false,
    );
    expect(resolveAccess(input({ account: anAccount({ groups: ['Family'] }), mappings })).allowed).toBe(true);
  });

  it('compares LDAP groups as normalized DNs when the mapping says so', () => {
    const mappings = [aMapping('CN=Staff, OU=Groups, DC=Example, DC=org', 'manager', { kind: 'dn' })];
    const account = anAccount({ groups: ['cn=staff,ou=groups,dc=example,dc=org'] });
    expect(resolveAccess(input({ account, mappings }))).toMatchObject({
      allowed: true,
      role: 'manager',
      source: { kind: 'group', group: 'CN=Staff, OU=Groups, DC=Example, DC=org', match: 'dn' },
    });
    const other = anAccount({ groups: ['cn=staff,ou=groups,dc=example,dc=com', 'not a dn'] });
    expect(resolveAccess(input({ account: other, mappings })).allowed).toBe(false);
  });

  it('never matches a DN mapping that is not a DN', () => {
    const mappings = [aMapping('staff', 'admin', { kind: 'dn' })];
    expect(resolveAccess(input({ account: anAccount({ groups: ['staff'] }), mappings })).allowed).toBe(false);
  });

  it('lets the highest-privilege matching group win', () => {
    const mappings = [
      aMapping('family', 'guest', { basePath: 'family' }),
      aMapping('editors', 'user', { basePath: 'editors' }),
      aMapping('admins', 'admin'),
      aMapping('viewers', 'viewer'),
    ];
    const decision = resolveAccess(
      input({ account: anAccount({ groups: ['viewers', 'editors', 'family'] }), mappings }),
    );
    expect(decision).toMatchObject({ role: 'user', basePath: 'editors', source: { group: 'editors' } });
  });

  it('breaks ties by group name, then base path, then upload path', () => {
    const account = anAccount({ groups: ['b', 'a'] });
    const byName = [
      aMapping('b', 'viewer', { basePath: 'from-b' }),
      aMapping('a', 'viewer', { basePath: 'from-a' }),
    ];
    expect(resolveAccess(input({ account, mappings: byName }))).toMatchObject({ basePath: 'from-a' });
    const byBase = [aMapping('a', 'viewer', { basePath: 'y' }), aMapping('a', 'viewer', { basePath: 'x' })];
    expect(resolveAccess(input({ account, mappings: byBase }))).toMatchObject({ basePath: 'x' });
    const byUpload = [
      aMapping('a', 'viewer', { basePath: 'x', uploadPath: 'q' }),
      aMapping('a', 'viewer', { basePath: 'x', uploadPath: 'p' }),
      aMapping('a', 'viewer', { basePath: 'x', uploadPath: 'p' }),
    ];
    expect(resolveAccess(input({ account, mappings: byUpload }))).toMatchObject({ uploadPath: 'p' });
    const unsetFirst = [aMapping('a', 'viewer', { uploadPath: 'p' }), aMapping('a', 'viewer')];
    expect(resolveAccess(input({ account, mappings: unsetFirst }))).toMatchObject({ uploadPath: null });
    expect(resolveAccess(input({ account, mappings: [...unsetFirst].reverse() }))).toMatchObject({
      uploadPath: null,
    });
  });

  it('prefers a DN mapping over a name mapping of the same group, whatever their order', () => {
    const account = anAccount({ groups: ['cn=staff,dc=example'] });
    const mappings = [
      aMapping('cn=staff,dc=example', 'user', { kind: 'name' }),
      aMapping('CN=Staff,DC=example', 'user', { kind: 'dn' }),
      aMapping('cn=staff,dc=example', 'user', { kind: 'dn' }),
    ];
    for (const order of [mappings, [...mappings].reverse()]) {
      expect(resolveAccess(input({ account, mappings: order }))).toMatchObject({
        source: { kind: 'group', group: 'CN=Staff,DC=example', match: 'dn' },
      });
    }
  });

  it('ignores mappings whose role is not an instance role', () => {
    const mappings = [
      aMapping('staff', 'cluster_admin' as InstanceRole),
      aMapping('staff', 'visitor' as InstanceRole),
    ];
    expect(resolveAccess(input({ account: anAccount({ groups: ['staff'] }), mappings })).allowed).toBe(false);
    expect(matchingMappings(anAccount({ groups: ['staff'] }), mappings)).toEqual([]);
  });
});

describe('resolveAccess: paths', () => {
  it("falls back to the account's paths where the winner sets none", () => {
    const account = anAccount({ basePath: 'people/{username}', uploadPath: 'inbox/{username}' });
    expect(resolveAccess(input({ account, grants: [aGrant({ role: 'guest' })] }))).toMatchObject({
      basePath: 'people/alice',
      uploadPath: 'inbox/alice',
    });
    expect(
      resolveAccess(input({ account, grants: [aGrant({ role: 'guest', uploadPath: 'drop' })] })),
    ).toMatchObject({ basePath: 'people/alice', uploadPath: 'drop' });
  });

  it("lets an empty path on the winner clear the account's path", () => {
    const account = anAccount({ basePath: 'people/{username}' });
    expect(resolveAccess(input({ account, grants: [aGrant({ basePath: '' })] }))).toMatchObject({
      basePath: null,
    });
  });

  it('normalizes paths and treats the root as none', () => {
    const grants = [aGrant({ role: 'contributor', basePath: './family//', uploadPath: '.' })];
    expect(resolveAccess(input({ grants }))).toMatchObject({ basePath: 'family', uploadPath: null });
  });

  it.each([
    ['people/{username}', 'alice/../../etc', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'a/b', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', '..', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'alice\u0000', 'ERR_USERNAME_UNSAFE'],
    ['../{username}', 'alice', 'ERR_PATH_TRAVERSAL'],
    ['/srv/photos', 'alice', 'ERR_PATH_ABSOLUTE'],
    ['people\u0000', 'alice', 'ERR_PATH_INVALID'],
  ])('denies a grant whose path %j for username %j is hostile (%s)', (basePath, username, code) => {
    const decision = resolveAccess(
      input({ account: anAccount({ username }), grants: [aGrant({ role: 'guest', basePath })] }),
    );
    expect(decision).toEqual({ allowed: false, reason: 'path_invalid', error: code });
  });

  it('denies when the winning mapping has a hostile upload path', () => {
    const decision = resolveAccess(
      input({
        account: anAccount({ groups: ['g'] }),
        mappings: [aMapping('g', 'contributor', { uploadPath: '../x' })],
      }),
    );
    expect(decision).toEqual({ allowed: false, reason: 'path_invalid', error: 'ERR_PATH_TRAVERSAL' });
  });

  it('does not check a username that no path uses', () => {
    const decision = resolveAccess(
      input({ account: anAccount({ username: 'a/b' }), grants: [aGrant({ basePath: 'shared' })] }),
    );
    expect(decision).toMatchObject({ allowed: true, basePath: 'shared' });
  });
});

describe('selectGrant', () => {
  it('returns nothing for an account without a grant', () => {
    expect(selectGrant(anAccount(), [aGrant({ userId: 'acc-bob' })])).toBeUndefined();
  });
});
