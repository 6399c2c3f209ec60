import { describe, expect, it } from 'vitest';
import { formatOffset, gpsClock, offsetFromGpsClock, parseOffset, parseWallClock, parseZonedTime, takenAtFrom } from './time.js';

describe('parseWallClock', () => {
  it.each([
    ['2024:05:01 12:34:56', undefined, '2024-05-01T12:34:56.000'],
    ['2024:05:01 12:34:56', '5', '2024-05-01T12:34:56.500'],
    ['2024:05:01 12:34:56', '1234', '2024-05-01T12:34:56.123'],
    ['2024-05-01T12:34:56.25', undefined, '2024-05-01T12:34:56.250'],
    ['  2024:05:01 12:34:56  ', undefined, '2024-05-01T12:34:56.000'],
    ['0000:00:00 00:00:00', undefined, null],
    ['2024:02:30 10:00:00', undefined, null],
    ['2024:13:01 10:00:00', undefined, null],
    ['1700:01:01 10:00:00', undefined, null],
    ['yesterday', undefined, null],
    ['', undefined, null],
    [12345, undefined, null],
  ])('%j (subsec %j) → %j', (value, sub, expected) => {
    expect(parseWallClock(value, sub)).toBe(expected);
  });
});

describe('offsets', () => {
  it.each([
    ['+02:00', 120],
    ['-05:30', -330],
    ['+0545', 345],
    ['Z', 0],
    ['+14:00', 840],
    ['+15:00', null],
    ['+02:75', null],
    ['02:00', null],
    [undefined, null],
  ])('parseOffset(%j) = %j', (value, minutes) => {
    expect(parseOffset(value)).toBe(minutes);
  });

  it.each([
    [120, '+02:00'],
    [-330, '-05:30'],
    [0, '+00:00'],
    [345, '+05:45'],
  ])('formatOffset(%i) = %s', (minutes, text) => {
    expect(formatOffset(minutes)).toBe(text);
  });
});

describe('takenAtFrom', () => {
  it('turns a wall clock and its offset into an instant', () => {
    expect(takenAtFrom('2024-05-01T12:34:56.000', 120)).toEqual({ takenAt: '2024-05-01T10:34:56.000Z', takenAtLocal: '2024-05-01T12:34:56.000', timeZone: '+02:00' });
  });
  it('reads a wall clock without a zone as UTC and says the zone is unknown', () => {
    expect(takenAtFrom('2024-05-01T12:34:56.000', null)).toEqual({ takenAt: '2024-05-01T12:34:56.000Z', takenAtLocal: '2024-05-01T12:34:56.000', timeZone: null });
  });
  it('crosses midnight and the date line', () => {
    expect(takenAtFrom('2024-01-01T01:00:00.000', 13 * 60).takenAt).toBe('2023-12-31T12:00:00.000Z');
  });
});

describe('the GPS clock', () => {
  it('builds a UTC wall clock from GPS stamps', () => {
    expect(gpsClock('2024:05:01', [10, 34, 56])).toBe('2024-05-01T10:34:56.000');
    expect(gpsClock('2024:05:01', '10:34:56')).toBe('2024-05-01T10:34:56.000');
    expect(gpsClock('2024:05:01', [10, 34])).toBeNull();
    expect(gpsClock(undefined, [10, 34, 56])).toBeNull();
  });
  it.each([
    ['2024-05-01T12:34:56.000', '2024-05-01T10:34:50.000', 120],
    ['2024-05-01T05:04:00.000', '2024-05-01T10:34:00.000', -330],
    ['2024-05-01T10:34:56.000', '2024-05-01T10:36:00.000', 0],
    ['2024-05-03T10:00:00.000', '2024-05-01T10:00:00.000', null],
  ])('camera %s vs GPS %s → offset %j', (local, gps, offset) => {
    expect(offsetFromGpsClock(local, gps)).toBe(offset);
  });
});

describe('parseZonedTime', () => {
  it.each([
    ['2024-05-01T12:34:56+0200', { local: '2024-05-01T12:34:56.000', offsetMinutes: 120 }],
    ['2024-05-01T12:34:56-05:00', { local: '2024-05-01T12:34:56.000', offsetMinutes: -300 }],
    ['2024-05-01T10:34:56.000000Z', { local: '2024-05-01T10:34:56.000', offsetMinutes: 0 }],
    ['2024:05:01 12:34:56+02:00', { local: '2024-05-01T12:34:56.000', offsetMinutes: 120 }],
    ['2024-05-01T12:34:56', null],
    ['garbage+0200', null],
  ])('%s', (value, expected) => {
    expect(parseZonedTime(value)).toEqual(expected);
  });
});
