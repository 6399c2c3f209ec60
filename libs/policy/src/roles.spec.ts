import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyError, isPolicyError } from './errors.js';
import {
  GRANTABLE_ROLES,
  INSTANCE_ROLES,
  ROLES,
  compareRoles,
  defaultAccountRole,
  highestRole,
  isAtLeast,
  isInstanceRole,
  isRole,
  parseRole,
  roleRank,
  type Role,
} from './roles.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPolicyError(error) ? error.code : 'not a PolicyError';
  }
  return undefined;
}

describe('roles', () => {
  it('orders instance roles admin > manager > user > contributor > viewer > guest, then visitor', () => {
    expect(INSTANCE_ROLES).toEqual(['admin', 'manager', 'user', 'contributor', 'viewer', 'guest']);
    expect(ROLES).toEqual([...INSTANCE_ROLES, 'visitor']);
    const ranks = ROLES.map(roleRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(roleRank('visitor')).toBe(0);
  });

  it('grants exactly the instance roles: never visitor, never cluster_admin', () => {
    expect(GRANTABLE_ROLES).toEqual(INSTANCE_ROLES);
    expect(GRANTABLE_ROLES).not.toContain('visitor');
    expect(GRANTABLE_ROLES).not.toContain('cluster_admin');
  });

  it('recognises only canonical names', () => {
    expect(isInstanceRole('viewer')).toBe(true);
    expect(isInstanceRole('visitor')).toBe(false);
    expect(isInstanceRole('Viewer')).toBe(false);
    expect(isInstanceRole(' viewer')).toBe(false);
    expect(isInstanceRole(undefined)).toBe(false);
    expect(isRole('visitor')).toBe(true);
    expect(isRole('cluster_admin')).toBe(false);
    expect(isRole(7)).toBe(false);
  });

  it('parses roles typed by people', () => {
    expect(parseRole('admin')).toBe('admin');
    expect(parseRole('  Contributor ')).toBe('contributor');
    expect(parseRole('GUEST')).toBe('guest');
  });

  it.each([
    ['visitor', 'ERR_ROLE_NOT_GRANTABLE'],
    ['cluster_admin', 'ERR_ROLE_NOT_GRANTABLE'],
    [' Cluster_Admin ', 'ERR_ROLE_NOT_GRANTABLE'],
    ['superadmin', 'ERR_ROLE_UNKNOWN'],
    ['', 'ERR_ROLE_UNKNOWN'],
    ['admin\u0000', 'ERR_ROLE_UNKNOWN'],
    ['__proto__', 'ERR_ROLE_UNKNOWN'],
    ['toString', 'ERR_ROLE_UNKNOWN'],
    ['adm in', 'ERR_ROLE_UNKNOWN'],
    [null, 'ERR_ROLE_UNKNOWN'],
    [undefined, 'ERR_ROLE_UNKNOWN'],
    [3, 'ERR_ROLE_UNKNOWN'],
    [{ toString: () => 'admin' }, 'ERR_ROLE_UNKNOWN'],
    [['admin'], 'ERR_ROLE_UNKNOWN'],
  ])('parseRole(%j) refuses with %s', (value, code) => {
    expect(codeOf(() => parseRole(value))).toBe(code);
  });

  it('keeps the message of an unknown role short and quoted', () => {
    expect(() => parseRole('x'.repeat(500))).toThrow(PolicyError);
    try {
      parseRole('x'.repeat(500));
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(100);
      expect((error as PolicyError).name).toBe('PolicyError');
    }
  });

  it('compares by privilege', () => {
    expect(compareRoles('admin', 'guest')).toBeGreaterThan(0);
    expect(compareRoles('viewer', 'contributor')).toBeLessThan(0);
    expect(compareRoles('user', 'user')).toBe(0);
    expect(['guest', 'admin', 'visitor', 'user'].sort((a, b) => compareRoles(a as Role, b as Role))).toEqual([
      'visitor',
      'guest',
      'user',
      'admin',
    ]);
    expect(isAtLeast('manager', 'user')).toBe(true);
    expect(isAtLeast('user', 'user')).toBe(true);
    expect(isAtLeast('viewer', 'contributor')).toBe(false);
    expect(codeOf(() => compareRoles('boss' as Role, 'user'))).toBe('ERR_ROLE_UNKNOWN');
  });

  it('is a total order: antisymmetric and transitive', () => {
    const role = fc.constantFrom(...ROLES);
    fc.assert(
      fc.property(role, role, role, (a, b, c) => {
        expect(Math.sign(compareRoles(a, b))).toBe(-Math.sign(compareRoles(b, a)) || 0);
        if (compareRoles(a, b) >= 0 && compareRoles(b, c) >= 0)
          expect(compareRoles(a, c)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('finds the highest role, whatever the order', () => {
    expect(highestRole([])).toBeUndefined();
    expect(highestRole(['guest', 'manager', 'viewer'])).toBe('manager');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ROLES), { minLength: 1 }), (roles) => {
        const best = highestRole(roles)!;
        expect(roles).toContain(best);
        for (const role of roles) expect(compareRoles(best, role)).toBeGreaterThanOrEqual(0);
        expect(highestRole([...roles].reverse())).toBe(best);
      }),
    );
  });

  it('gives admin-created accounts user and federated or self-registered accounts guest, unless configured', () => {
    expect(defaultAccountRole('admin')).toBe('user');
    expect(defaultAccountRole('admin', 'viewer')).toBe('user');
    expect(defaultAccountRole('federated')).toBe('guest');
    expect(defaultAccountRole('self_registration')).toBe('guest');
    expect(defaultAccountRole('federated', 'viewer')).toBe('viewer');
    expect(defaultAccountRole('self_registration', ' Contributor')).toBe('contributor');
    expect(codeOf(() => defaultAccountRole('federated', 'cluster_admin'))).toBe('ERR_ROLE_NOT_GRANTABLE');
    expect(codeOf(() => defaultAccountRole('federated', 'visitor'))).toBe('ERR_ROLE_NOT_GRANTABLE');
    expect(codeOf(() => defaultAccountRole('federated', 'owner'))).toBe('ERR_ROLE_UNKNOWN');
  });
});

describe('isPolicyError', () => {
  it('tells policy errors apart, optionally by code', () => {
    const error = new PolicyError('ERR_PATH_ABSOLUTE', 'x');
    expect(isPolicyError(error)).toBe(true);
    expect(isPolicyError(error, 'ERR_PATH_ABSOLUTE')).toBe(true);
    expect(isPolicyError(error, 'ERR_PATH_TRAVERSAL')).toBe(false);
    expect(isPolicyError(new Error('x'))).toBe(false);
    expect(codeOf(() => undefined)).toBeUndefined();
    expect(
      codeOf(() => {
        throw new Error('plain');
      }),
    ).toBe('not a PolicyError');
  });
});
