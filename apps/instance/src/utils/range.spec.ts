import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits, parseRange } from './range.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['BYTES=0-0', { kind: 'partial', start: 0, end: 0 }],
    [' bytes=5-9 ', { kind: 'partial', start: 5, end: 9 }],
  ])('serves %j as one range', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it.each([['bytes=1000-'], ['bytes=1000-2000'], ['bytes=-0'], [`bytes=${'9'.repeat(40)}-`]])(
    'refuses %j as unsatisfiable',
    (header) => {
      expect(parseRange(header, 1000)).toEqual({ kind: 'unsatisfiable' });
    },
  );

  it.each([
    [undefined],
    [''],
    ['bytes='],
    ['bytes=-'],
    ['bytes=9-5'],
    ['bytes=0-1,5-6'],
    ['items=0-5'],
    ['bytes=a-b'],
    ['bytes=-1-2'],
    ['bytes=0x10-20'],
    ['bytes=1.5-2'],
    ['bytes= 0-5'],
  ])('ignores %j and sends the whole file', (header) => {
    expect(parseRange(header, 1000)).toEqual({ kind: 'full' });
  });

  it('has nothing to give from an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('clamps a huge end to the last byte', () => {
    expect(parseRange(`bytes=10-${'9'.repeat(40)}`, 1000)).toEqual({ kind: 'partial', start: 10, end: 999 });
  });
});

describe('ifNoneMatchHits', () => {
  const etag = '"abc123"';
  it.each([
    ['"abc123"', true],
    ['W/"abc123"', true],
    ['"other", "abc123"', true],
    ['"other",W/"abc123"', true],
    ['*', true],
    [' * ', true],
    ['"other"', false],
    ['"abc1234"', false],
    ['abc123', false],
    ['"abc', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (header, hit) => {
    expect(ifNoneMatchHits(header, etag)).toBe(hit);
  });

  it('compares a weak ETag of ours weakly too', () => {
    expect(ifNoneMatchHits('"v1"', 'W/"v1"')).toBe(true);
  });
});
