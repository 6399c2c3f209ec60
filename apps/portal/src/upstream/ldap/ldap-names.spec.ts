import { describe, expect, it } from 'vitest';
import { escapeFilterValue, fillFilter, formatEntryId, readTypedName } from './ldap-names.js';

describe('RFC 4515 filter values', () => {
  it('escapes every character that would change the filter', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue(')(uid=*')).toBe('\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b')).toBe('a\\5cb');
    expect(escapeFilterValue('nul\u0000')).toBe('nul\\00');
    expect(escapeFilterValue('Ann Ö. Smith, Jr')).toBe('Ann Ö. Smith, Jr');
  });

  it('fills only the named placeholders, escaped', () => {
    expect(fillFilter('(&(objectClass=user)(sAMAccountName={username}))', { username: '*)(|(cn=*' })).toBe(
      '(&(objectClass=user)(sAMAccountName=\\2a\\29\\28|\\28cn=\\2a))',
    );
    expect(
      fillFilter('(|(uid={username})(userPrincipalName={upn}))', {
        username: 'ann',
        upn: 'ann@corp.example',
      }),
    ).toBe('(|(uid=ann)(userPrincipalName=ann@corp.example))');
    expect(fillFilter('(member={dn})', { username: 'x' })).toBe('(member={dn})');
  });
});

describe('the forms a name may be typed in', () => {
  type Forms = {
    usernameForms: ('plain' | 'upn' | 'netbios')[];
    domain: string | null;
    netbiosDomain: string | null;
  };
  const all: Forms = {
    usernameForms: ['plain', 'upn', 'netbios'],
    domain: 'corp.example',
    netbiosDomain: 'CORP',
  };
  const cases: [string, Forms, unknown][] = [
    ['ann', all, { username: 'ann', upn: 'ann@corp.example' }],
    ['ann@corp.example', all, { username: 'ann', upn: 'ann@corp.example' }],
    ['ann@CORP.EXAMPLE', all, { username: 'ann', upn: 'ann@corp.example' }],
    ['CORP\\ann', all, { username: 'ann', upn: 'ann@corp.example' }],
    ['corp\\ann', all, { username: 'ann', upn: 'ann@corp.example' }],
    ['ann@evil.example', all, undefined],
    ['EVIL\\ann', all, undefined],
    ['CORP\\', all, undefined],
    ['CORP\\a\\b', all, undefined],
    ['', all, undefined],
    ['   ', all, undefined],
    ['a\u0007b', all, undefined],
    ['x'.repeat(257), all, undefined],
    ['ann', { usernameForms: ['upn'], domain: 'corp.example', netbiosDomain: null }, undefined],
    ['CORP\\ann', { usernameForms: ['plain'], domain: null, netbiosDomain: null }, undefined],
    [
      'ann@x.example',
      { usernameForms: ['plain'], domain: null, netbiosDomain: null },
      { username: 'ann@x.example', upn: null },
    ],
    ['*', { usernameForms: ['plain'], domain: null, netbiosDomain: null }, { username: '*', upn: null }],
  ];
  for (const [typed, config, expected] of cases)
    it(`${JSON.stringify(typed)} with ${config.usernameForms.join('+')}`, () => {
      expect(readTypedName(typed, config)).toEqual(expected);
    });
});

describe('entry ids', () => {
  it('spells objectGUID as AD does and keeps entryUUID', () => {
    const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(formatEntryId(guid)).toBe('33221100-5544-7766-8899-aabbccddeeff');
    expect(formatEntryId('6B29FC40-CA47-1067-B31D-00DD010662DA')).toBe(
      '6b29fc40-ca47-1067-b31d-00dd010662da',
    );
    expect(formatEntryId('')).toBeUndefined();
    expect(formatEntryId(Buffer.alloc(0))).toBeUndefined();
  });
});
