import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it('keeps local paths with their query', () => {
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/albums/1?view=grid')).toBe('/albums/1?view=grid');
    expect(safeReturnTo('/%0a')).toBe('/%0a');
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
  ])('turns %j into /', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });

  it('refuses non-strings', () => {
    expect(safeReturnTo(['/a'])).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});
