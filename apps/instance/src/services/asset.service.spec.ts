import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, versionOf } from './asset.service.js';

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('timeline cursors', () => {
  it('round-trips the keyset position exactly, microseconds included', () => {
    const cursor = { sortUs: '1717200000123456', id };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ sortUs: '-86400000000', id }))).toEqual({
      sortUs: '-86400000000',
      id,
    });
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['an empty string', ''],
    ['JSON without fields', Buffer.from('{}').toString('base64url')],
    ['a time with letters', Buffer.from(JSON.stringify({ t: '12a', i: id })).toString('base64url')],
    ['a time as a number', Buffer.from(JSON.stringify({ t: 12, i: id })).toString('base64url')],
    [
      'a time too long to be one',
      Buffer.from(JSON.stringify({ t: '1'.repeat(18), i: id })).toString('base64url'),
    ],
    [
      'an id that is no UUID',
      Buffer.from(JSON.stringify({ t: '1', i: "1' OR '1'='1" })).toString('base64url'),
    ],
    [
      'an upper-case UUID',
      Buffer.from(JSON.stringify({ t: '1', i: id.toUpperCase() })).toString('base64url'),
    ],
    ['a JSON array', Buffer.from('[1,2]').toString('base64url')],
  ])('refuses %s with ERR_CURSOR_INVALID', (_name, value) => {
    expect(codeOf(() => decodeCursor(value))).toBe('ERR_CURSOR_INVALID');
  });
});

describe('media versions', () => {
  it('version media URLs by the first 16 hex digits of the content hash', () => {
    expect(versionOf('ab'.repeat(32))).toBe('ab'.repeat(8));
    expect(versionOf('ab'.repeat(32), 0)).toBe('ab'.repeat(8));
  });

  it('add the derivatives revision once a derivative was replaced, so kept copies are not shown', () => {
    expect(versionOf('ab'.repeat(32), 3)).toBe(`${'ab'.repeat(8)}-3`);
    expect(versionOf('ab'.repeat(32), 3)).not.toBe(versionOf('ab'.repeat(32), 4));
  });
});
