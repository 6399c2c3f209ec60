import { describe, expect, it } from 'vitest';
import { explainAccess } from './explain.js';
import { aGrant, aMapping, anAccount } from './test/factories.js';

describe('explainAccess', () => {
  it('explains a group decision, listing every matching mapping, winner first', () => {
    const explanation = explainAccess({
      account: anAccount({ groups: ['family', 'cn=staff,dc=example'], clusterAdmin: true }),
      grants: [],
      mappings: [
        aMapping('family', 'guest'),
        aMapping('CN=Staff, DC=Example', 'manager', { kind: 'dn', basePath: 'staff/{username}' }),
        aMapping('other', 'admin'),
      ],
    });
    expect(explanation.decision).toMatchObject({ allowed: true, role: 'manager' });
    expect(explanation.grant).toBeNull();
    expect(explanation.matchedMappings).toEqual([
      { group: 'CN=Staff, DC=Example', role: 'manager', match: 'dn' },
      { group: 'family', role: 'guest', match: 'name' },
    ]);
    expect(explanation.lines).toEqual([
      'account "alice" (acc-alice)',
      'cluster_admin: yes (manages the cluster; opens no instance by itself)',
      'grant: none',
      'matching group mappings: "CN=Staff, DC=Example" → manager, "family" → guest',
      'allowed as manager via group "CN=Staff, DC=Example"; base path: staff/alice; upload path: none',
    ]);
  });

  it('explains a grant that inherits the account role', () => {
    const explanation = explainAccess({
      account: anAccount({ accountRole: 'viewer' }),
      grants: [aGrant({ role: '', uploadPath: 'inbox' })],
      mappings: [],
    });
    expect(explanation.grant).toEqual({ role: null });
    expect(explanation.lines.slice(1)).toEqual([
      'grant: empty role, inherits the account role "viewer"',
      'matching group mappings: none',
      'allowed as viewer via the grant; base path: none; upload path: inbox',
    ]);
  });

  it('explains denials with their reason code', () => {
    const disabled = explainAccess({
      account: anAccount({ disabled: true }),
      grants: [aGrant({ role: 'user' })],
      mappings: [],
    });
    expect(disabled.lines).toEqual([
      'account "alice" (acc-alice), disabled',
      'grant: role "user"',
      'matching group mappings: none',
      'denied (account_disabled): the account is disabled',
    ]);
    const closed = explainAccess({ account: anAccount(), grants: [], mappings: [] });
    expect(closed.lines.at(-1)).toBe(
      'denied (no_grant_or_group): no grant and no matching group mapping (closed by default)',
    );
    const hostile = explainAccess({
      account: anAccount({ username: '../x' }),
      grants: [aGrant({ role: 'guest', basePath: 'people/{username}' })],
      mappings: [],
    });
    expect(hostile.lines.at(-1)).toBe(
      'denied (path_invalid [ERR_USERNAME_UNSAFE]): a base or upload path (or the username in it) is not a safe relative path',
    );
    const badGrant = explainAccess({
      account: anAccount(),
      grants: [aGrant({ role: 'root' as 'user' })],
      mappings: [],
    });
    expect(badGrant.lines.at(-1)).toMatch(/^denied \(grant_role_invalid\)/);
    const badAccount = explainAccess({
      account: anAccount({ accountRole: 'visitor' as 'user' }),
      grants: [aGrant()],
      mappings: [],
    });
    expect(badAccount.lines.at(-1)).toMatch(/^denied \(account_role_invalid\)/);
  });
});
