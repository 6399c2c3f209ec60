import { describe, expect, it } from 'vitest';
import { readCookie } from './cookies.js';

describe('readCookie', () => {
  it('finds a cookie by its exact name among others', () => {
    const header = 'atrium_studio=s; atrium_family=f; atrium_family_login=l';
    expect(readCookie(header, 'atrium_family')).toBe('f');
    expect(readCookie(header, 'atrium_family_login')).toBe('l');
    expect(readCookie(header, 'atrium_club')).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty value', 'atrium_family='],
    ['a name prefix only', 'atrium_familyx=1'],
    ['an oversized value', `atrium_family=${'a'.repeat(600)}`],
    ['no equals sign', 'atrium_family'],
  ])('gives nothing for %s', (_name, header) => {
    expect(readCookie(header, 'atrium_family')).toBeUndefined();
  });

  it('takes the first of two cookies with one name', () => {
    expect(readCookie('atrium_family=a; atrium_family=b', 'atrium_family')).toBe('a');
  });
});
