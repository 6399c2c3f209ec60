import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findEmbeddedJpegs, largestEmbeddedJpeg } from './raw-preview.js';

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 80 })
    .toBuffer();

describe('findEmbeddedJpegs', () => {
  it('finds every JPEG between other bytes, with its size', async () => {
    const small = await jpeg(160, 120);
    const large = await jpeg(1200, 800);
    const progressive = await sharp(large).jpeg({ progressive: true }).toBuffer();
    const file = Buffer.concat([Buffer.alloc(100, 1), small, Buffer.alloc(50, 0xff), large, Buffer.alloc(10), progressive, Buffer.alloc(10)]);
    const found = findEmbeddedJpegs(file);
    expect(found.map((j) => [j.width, j.height])).toEqual([
      [160, 120],
      [1200, 800],
      [1200, 800],
    ]);
    expect(found[1]).toMatchObject({ offset: 100 + small.length + 50, length: large.length });
    expect(largestEmbeddedJpeg(file)?.equals(large)).toBe(true);
  });

  it.each([
    ['no JPEG at all', Buffer.alloc(4096, 7)],
    ['a start marker and nothing else', Buffer.from([0xff, 0xd8, 0xff])],
    ['a marker run into the end of the file', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 1, 2])],
    ['a segment length past the end', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xf0, 0, 0, 0, 0])],
    ['a zero segment length', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xd9, 0, 0])],
    ['an end marker without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0xff, 0xd9, 0, 0])],
  ])('finds nothing in %s', (_name, bytes) => {
    expect(findEmbeddedJpegs(bytes)).toEqual([]);
    expect(largestEmbeddedJpeg(bytes)).toBeUndefined();
  });

  it('finds nothing in a truncated JPEG', async () => {
    const whole = await jpeg(300, 200);
    expect(findEmbeddedJpegs(whole.subarray(0, whole.length - 100))).toEqual([]);
  });
});
