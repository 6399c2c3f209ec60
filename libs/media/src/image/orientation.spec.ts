import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalizeOrientation, orientationTransform, orientedSize } from './orientation.js';

// A 3×2 image whose six pixels all differ, so any wrong flip or turn shows.
const pixels = Buffer.from([0, 40, 80, 120, 160, 200].flatMap((v) => [v, 0, 0]));
const raw = { width: 3, height: 2, channels: 3 as const };

async function redChannel(image: Sharp): Promise<number[]> {
  const data = await image.raw().toBuffer();
  return [...data].filter((_, i) => i % 3 === 0);
}

describe('orientationTransform', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i matches libvips auto-orientation pixel for pixel', async (orientation) => {
    const tagged = await sharp(pixels, { raw }).png().withMetadata({ orientation }).toBuffer();
    const expected = await redChannel(sharp(tagged).autoOrient());
    const { flop, rotate } = orientationTransform(orientation);
    const mine = sharp(pixels, { raw });
    expect(await redChannel((flop ? mine.flop() : mine).rotate(rotate))).toEqual(expected);
  });

  it('displays unknown orientations as stored', () => {
    expect(orientationTransform(null)).toEqual({ flop: false, rotate: 0 });
    expect(orientationTransform(42)).toEqual({ flop: false, rotate: 0 });
  });
});

describe('orientedSize and normalizeOrientation', () => {
  it.each([
    [1, 400, 300],
    [3, 400, 300],
    [5, 300, 400],
    [6, 300, 400],
    [8, 300, 400],
    [null, 400, 300],
  ])('orientation %j shows 400×300 as %i×%i', (orientation, width, height) => {
    expect(orientedSize(400, 300, orientation)).toEqual({ width, height });
  });
  it.each([
    [6, 6],
    ['3', 3],
    [0, null],
    [9, null],
    [2.5, null],
    ['x', null],
  ])('%j → %j', (value, expected) => {
    expect(normalizeOrientation(value)).toBe(expected);
  });
});
