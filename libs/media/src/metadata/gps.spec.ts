import { describe, expect, it } from 'vitest';
import { exifAltitude, exifCoordinate, parseIso6709, validPosition } from './gps.js';

describe('parseIso6709', () => {
  it.each([
    ['+48.8584+002.2945/', { latitude: 48.8584, longitude: 2.2945, altitude: null }],
    ['+48.8584+002.2945+035.500/', { latitude: 48.8584, longitude: 2.2945, altitude: 35.5 }],
    ['-33.8568+151.2153/', { latitude: -33.8568, longitude: 151.2153, altitude: null }],
    ['+40.6892-074.0445+010.000CRSWGS_84/', { latitude: 40.6892, longitude: -74.0445, altitude: 10 }],
    ['+4851.504+00217.670/', { latitude: 48.8584, longitude: 2.2945, altitude: null }],
    ['+485130.24+0021740.2/', { latitude: 48.8584, longitude: 2.2945, altitude: null }],
    ['+00.0000+000.0000/', null],
    ['+95.0000+002.0000/', null],
    ['+48.8+2.2/', null],
    ['48.8584,2.2945', null],
    ['', null],
    [undefined, null],
  ])('%j', (value, expected) => {
    const got = parseIso6709(value);
    if (expected === null) return expect(got).toBeNull();
    expect(got?.latitude).toBeCloseTo(expected.latitude, 4);
    expect(got?.longitude).toBeCloseTo(expected.longitude, 4);
    expect(got?.altitude).toBe(expected.altitude);
  });
});

describe('EXIF coordinates', () => {
  it.each([
    [[48, 51, 30.24], 'N', 48.8584],
    [[33, 51, 24.48], 'S', -33.8568],
    [[2, 17, 40.2], 'W', -2.2945],
    [48.5, 'N', 48.5],
  ])('%j %s → %d', (value, ref, expected) => {
    expect(exifCoordinate(value, ref)).toBeCloseTo(expected, 4);
  });
  it.each([[[]], [[1, 2, 3, 4]], [[-1, 0, 0]], ['48'], [[Number.NaN, 0, 0]]])('refuses %j', (value) => {
    expect(exifCoordinate(value, 'N')).toBeNull();
  });
  it('reads the altitude reference as a number or a byte', () => {
    expect(exifAltitude(35, 0)).toBe(35);
    expect(exifAltitude(35, new Uint8Array([1]))).toBe(-35);
    expect(exifAltitude(35, 1)).toBe(-35);
    expect(exifAltitude('35', 0)).toBeNull();
  });
  it('drops the 0,0 no-fix default and out-of-range positions', () => {
    expect(validPosition(0, 0, null)).toBeNull();
    expect(validPosition(91, 0, null)).toBeNull();
    expect(validPosition(10, 181, null)).toBeNull();
    expect(validPosition(10.123456789, 20, 3.14159)).toEqual({ latitude: 10.1234568, longitude: 20, altitude: 3.14 });
  });
});
