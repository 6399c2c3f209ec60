import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it('keeps local paths with their query', () => {
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/albums/1?view=grid')).toBe('/albums/1?view=grid');
    expect(safeReturnTo('/%0a')).toBe('/%0a');
    expect(safeReturnTo('/a/../b')).toBe('/b');
    expect(safeReturnTo('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
  });

  it.each([
    '//evil.example/',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'albums',
    '/\tevil',
    '',
    `/${'a'.repeat(3000)}`,
    '/.//evil.example',
    '/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example/x?y',
    '/a/b/../..//evil.example',
  ])('turns %j into /', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });

  it('refuses non-strings', () => {
    expect(safeReturnTo(['/a'])).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});
