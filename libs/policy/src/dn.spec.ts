import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DN_LENGTH, dnEquals, normalizeDn, tryNormalizeDn } from './dn.js';
import { isPolicyError } from './errors.js';

describe('normalizeDn', () => {
  it.each([
    ['cn=Staff,ou=Groups,dc=example,dc=org', 'cn=staff,ou=groups,dc=example,dc=org'],
    ['CN=Staff, OU=Groups, DC=Example, DC=org', 'cn=staff,ou=groups,dc=example,dc=org'],
    ['  cn = Staff ,ou= Groups  ,dc =example ', 'cn=staff,ou=groups,dc=example'],
    ['cn=Smith\\, John,ou=People', 'cn=smith\\, john,ou=people'],
    ['cn=Smith\\2C John,ou=People', 'cn=smith\\, john,ou=people'],
    ['cn=Smith\\2c John,ou=People', 'cn=smith\\, john,ou=people'],
    ['cn=a\\+b', 'cn=a\\+b'],
    ['cn=a\\;b\\<c\\>d\\"e\\\\f', 'cn=a\\;b\\<c\\>d\\"e\\\\f'],
    ['cn=\\ padded\\ ', 'cn=\\ padded\\ '],
    ['cn=\\20padded\\20', 'cn=\\ padded\\ '],
    ['cn=inner  spaces', 'cn=inner  spaces'],
    ['cn=\\#hash', 'cn=\\#hash'],
    ['cn=no#lead', 'cn=no#lead'],
    ['cn=a\\=b', 'cn=a=b'],
    ['cn=a=b', 'cn=a=b'],
    ['cn=Ren\\C3\\A9e', 'cn=renée'],
    ['cn=Renée', 'cn=renée'],
    ['cn=\\00', 'cn=\\00'],
    ['cn=', 'cn='],
    ['cn=#04024869', 'cn=#04024869'],
    ['cn=#0402486A ', 'cn=#0402486a'],
    ['ou=Sales+CN=J. Smith,DC=example', 'cn=j. smith+ou=sales,dc=example'],
    ['CN=J. Smith + OU=Sales,DC=example', 'cn=j. smith+ou=sales,dc=example'],
    ['2.5.4.3=Staff,dc=org', '2.5.4.3=staff,dc=org'],
    ['x-attr=Value', 'x-attr=value'],
  ])('%j → %j', (dn, normalized) => {
    expect(normalizeDn(dn)).toBe(normalized);
  });

  it.each([
    '',
    '   ',
    'staff',
    'cn',
    '=staff',
    'cn=staff,',
    ',cn=staff',
    'cn=staff,,dc=org',
    'cn=staff;dc=org',
    'cn=a,b',
    'cn=a"b',
    'cn=a<b',
    'cn=a>b',
    'cn=a;b',
    'cn=a\\',
    'cn=a\\x',
    'cn=a\\4',
    'cn=a\\zz',
    'cn=\\C3',
    'cn=\\FF\\FE',
    'cn=#abc',
    'cn=#zz',
    'cn=#',
    'c n=staff',
    '1cn=staff',
    '2.5..4=x',
    'cn=a+',
    'cn=a\u0000b',
    'x'.repeat(MAX_DN_LENGTH + 1),
    null,
    42,
    ['cn=a'],
  ])('refuses %j with ERR_DN_INVALID', (dn) => {
    let caught: unknown;
    try {
      normalizeDn(dn);
    } catch (error) {
      caught = error;
    }
    expect(isPolicyError(caught, 'ERR_DN_INVALID')).toBe(true);
  });

  it('is idempotent and never depends on the case of its input', () => {
    const value = fc.string({
      minLength: 1,
      maxLength: 8,
      unit: fc.constantFrom('a', 'B', ' ', ',', '+', '\\', '=', '#', 'é', '"'),
    });
    const rdn = fc.tuple(fc.constantFrom('cn', 'OU', 'dc', 'uid'), value);
    fc.assert(
      fc.property(fc.array(rdn, { minLength: 1, maxLength: 4 }), (rdns) => {
        const escape = (v: string): string => v.replace(/[\\,+"=#]/g, (c) => `\\${c}`);
        const dn = rdns.map(([type, v]) => `${type}=${escape(v)}`).join(',');
        const normalized = normalizeDn(dn);
        expect(normalizeDn(normalized)).toBe(normalized);
        expect(normalizeDn(dn.toUpperCase())).toBe(normalized);
      }),
    );
  });

  it('never throws anything but ERR_DN_INVALID', () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 30,
          unit: fc.constantFrom('c', 'n', '=', ',', '+', '\\', '#', ' ', '2', 'F', '"'),
        }),
        (dn) => {
          const normalized = tryNormalizeDn(dn);
          if (normalized !== null) expect(normalizeDn(normalized)).toBe(normalized);
          else expect(() => normalizeDn(dn)).toThrow(expect.objectContaining({ code: 'ERR_DN_INVALID' }));
        },
      ),
    );
  });
});

describe('dnEquals', () => {
  it('compares normalized DNs and refuses what is not a DN', () => {
    expect(dnEquals('CN=Staff,DC=Example', 'cn=staff, dc=example')).toBe(true);
    expect(dnEquals('cn=staff,dc=example', 'cn=staff,dc=example,dc=org')).toBe(false);
    expect(dnEquals('staff', 'staff')).toBe(false);
    expect(dnEquals('cn=staff', 'staff')).toBe(false);
  });
});
