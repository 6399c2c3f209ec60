import { randomBytes } from 'node:crypto';
import crc32 from 'crc-32';
import { describe, expect, it } from 'vitest';
import { javascriptCrc32, useNativeCrc32 } from './native-crc32.js';

describe('useNativeCrc32', () => {
  useNativeCrc32();

  it('replaces what archiver calls', () => {
    expect(crc32.buf).not.toBe(javascriptCrc32);
  });

  it('answers what crc-32 answers, whole and piece by piece from any seed', () => {
    for (const size of [0, 1, 3, 64, 1000, 65_536, 1 << 20]) {
      const data = randomBytes(size);
      expect(crc32.buf(data), `${size} bytes`).toBe(javascriptCrc32(data));
      let native: number | undefined;
      let reference: number | undefined;
      for (let at = 0; at < size || at === 0; at += 4093) {
        native = crc32.buf(data.subarray(at, at + 4093), native);
        reference = javascriptCrc32(data.subarray(at, at + 4093), reference);
        if (!size) break;
      }
      expect(native, `${size} bytes in pieces`).toBe(reference);
    }
    expect(crc32.buf([1, 2, 3], 12345)).toBe(javascriptCrc32([1, 2, 3], 12345));
  });

  it('reads a non-number seed as 0, as crc32-stream first passes a Buffer', () => {
    const data = randomBytes(999);
    const seed = Buffer.alloc(4) as unknown as number;
    expect(crc32.buf(data, seed)).toBe(javascriptCrc32(data, seed));
    expect(crc32.buf(data, seed)).toBe(javascriptCrc32(data));
  });
});
