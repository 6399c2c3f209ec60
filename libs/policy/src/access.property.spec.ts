import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAccess, type AccessDecision, type AccessInput } from './access.js';
import { dnEquals } from './dn.js';
import { compareRoles, highestRole, type InstanceRole } from './roles.js';
import { account, grant, group, mapping } from './test/arbitraries.js';

const accessInput: fc.Arbitrary<AccessInput> = fc.record({
  account,
  grants: fc.array(grant, { maxLength: 3 }),
  mappings: fc.array(mapping, { maxLength: 5 }),
});

function inGroup(input: AccessInput, m: AccessInput['mappings'][number]): boolean {
  return m.kind === 'dn'
    ? input.account.groups.some((g) => dnEquals(g, m.group))
    : input.account.groups.includes(m.group);
}

function roleOf(decision: AccessDecision): InstanceRole | undefined {
  return decision.allowed ? decision.role : undefined;
}

describe('access resolution properties', () => {
  it('is closed by default: access needs a grant of the account or a mapping of one of its groups', () => {
    fc.assert(
      fc.property(accessInput, (input) => {
        const hasGrant = input.grants.some((g) => g.userId === input.account.id);
        const hasGroup = input.mappings.some((m) => inGroup(input, m));
        if (!hasGrant && !hasGroup)
          expect(resolveAccess(input)).toEqual({ allowed: false, reason: 'no_grant_or_group' });
        if (resolveAccess(input).allowed) expect(hasGrant || hasGroup).toBe(true);
      }),
    );
  });

  it('lets a grant beat any group', () => {
    fc.assert(
      fc.property(accessInput, grant, (input, own) => {
        const withGrant = { ...input, grants: [{ ...own, userId: input.account.id }] };
        const decision = resolveAccess(withGrant);
        expect(decision).toMatchObject({ allowed: true, source: { kind: 'grant' } });
        expect(roleOf(decision)).toBe(own.role || input.account.accountRole);
        // Groups play no part once a grant exists.
        expect(resolveAccess({ ...withGrant, mappings: [] })).toEqual(decision);
      }),
    );
  });

  it('lets the highest matching group win when there is no grant', () => {
    fc.assert(
      fc.property(accessInput, (input) => {
        const noGrant = { ...input, grants: input.grants.filter((g) => g.userId !== input.account.id) };
        const expected = highestRole(input.mappings.filter((m) => inGroup(input, m)).map((m) => m.role));
        expect(roleOf(resolveAccess(noGrant))).toBe(expected);
      }),
    );
  });

  it('never lets cluster_admin change the outcome', () => {
    fc.assert(
      fc.property(accessInput, (input) => {
        const as = (clusterAdmin: boolean) =>
          resolveAccess({ ...input, account: { ...input.account, clusterAdmin } });
        expect(as(true)).toEqual(as(false));
      }),
    );
  });

  it('never lowers access when a group membership is added', () => {
    fc.assert(
      fc.property(accessInput, group, (input, extra) => {
        const before = resolveAccess(input);
        const after = resolveAccess({
          ...input,
          account: { ...input.account, groups: [...input.account.groups, extra] },
        });
        if (before.allowed) {
          expect(after.allowed).toBe(true);
          expect(compareRoles(roleOf(after)!, before.role)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('does not depend on the order of grants and mappings', () => {
    fc.assert(
      fc.property(accessInput, fc.integer(), (input, seed) => {
        const shuffle = <T>(items: readonly T[]): T[] =>
          items
            .map((item, i) => ({ item, key: Math.imul(i + 1, seed | 1) >>> 0 }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
        const shuffled = { ...input, grants: shuffle(input.grants), mappings: shuffle(input.mappings) };
        expect(resolveAccess(shuffled)).toEqual(resolveAccess(input));
      }),
    );
  });

  it('denies every disabled account', () => {
    fc.assert(
      fc.property(accessInput, (input) => {
        const disabled = { ...input, account: { ...input.account, disabled: true } };
        expect(resolveAccess(disabled)).toEqual({ allowed: false, reason: 'account_disabled' });
      }),
    );
  });

  it('only ever yields relative paths without ".."', () => {
    fc.assert(
      fc.property(accessInput, (input) => {
        const decision = resolveAccess(input);
        if (!decision.allowed) return;
        for (const path of [decision.basePath, decision.uploadPath]) {
          if (path === null) continue;
          expect(path.startsWith('/')).toBe(false);
          expect(path.split('/')).not.toContain('..');
          expect(path).not.toContain('{username}');
        }
      }),
    );
  });
});
