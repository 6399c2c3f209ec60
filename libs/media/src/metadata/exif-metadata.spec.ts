import { describe, expect, it } from 'vitest';
import { exifTakenAt, imageMetadataFromExif, text } from './exif-metadata.js';

const facts = { mime: 'image/jpeg', mediaType: 'image' as const, fileSize: 1234, width: 300, height: 400, orientation: 6 };

describe('imageMetadataFromExif', () => {
  it('maps a phone photo’s tags', () => {
    const meta = imageMetadataFromExif(
      {
        Make: 'Apple\0\0',
        Model: ' iPhone 15 Pro ',
        LensModel: 'iPhone 15 Pro back triple camera 6.86mm f/1.78',
        DateTimeOriginal: '2024:05:01 12:34:56',
        SubSecTimeOriginal: '42',
        OffsetTimeOriginal: '+02:00',
        GPSLatitude: [48, 51, 30.24],
        GPSLatitudeRef: 'N',
        GPSLongitude: [2, 17, 40.2],
        GPSLongitudeRef: 'E',
        GPSAltitude: 35,
        GPSAltitudeRef: new Uint8Array([0]),
        FNumber: 1.78,
        ExposureTime: 0.008,
        ISO: 64,
        FocalLength: 6.86,
        Orientation: 6,
      },
      facts,
    );
    expect(meta).toEqual({
      mime: 'image/jpeg',
      mediaType: 'image',
      fileSize: 1234,
      width: 300,
      height: 400,
      orientation: 6,
      takenAt: '2024-05-01T10:34:56.420Z',
      takenAtLocal: '2024-05-01T12:34:56.420',
      timeZone: '+02:00',
      make: 'Apple',
      model: 'iPhone 15 Pro',
      lens: 'iPhone 15 Pro back triple camera 6.86mm f/1.78',
      gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
      durationMs: null,
      fNumber: 1.78,
      exposureTime: 0.008,
      iso: 64,
      focalLength: 6.86,
      video: null,
    });
  });

  it('leaves absent facts null rather than guessing', () => {
    const meta = imageMetadataFromExif({}, { ...facts, orientation: null });
    expect(meta).toMatchObject({ takenAt: null, timeZone: null, make: null, lens: null, gps: null, orientation: null, iso: null });
  });

  it('takes the orientation from the tags when the decoder gave none, and ignores nonsense', () => {
    expect(imageMetadataFromExif({ Orientation: 8 }, { ...facts, orientation: null }).orientation).toBe(8);
    expect(imageMetadataFromExif({ Orientation: 9 }, { ...facts, orientation: null }).orientation).toBeNull();
    expect(imageMetadataFromExif({ FNumber: -1, ISO: [200, 400] }, facts)).toMatchObject({ fNumber: null, iso: 200 });
  });
});

describe('exifTakenAt', () => {
  it.each([
    ['its own offset', { DateTimeOriginal: '2024:05:01 12:34:56', OffsetTimeOriginal: '-04:00' }, '2024-05-01T16:34:56.000Z', '-04:00'],
    ['the GPS clock when no offset is written', { DateTimeOriginal: '2024:05:01 12:34:56', GPSDateStamp: '2024:05:01', GPSTimeStamp: [10, 34, 50] }, '2024-05-01T10:34:56.000Z', '+02:00'],
    ['no zone at all', { DateTimeOriginal: '2024:05:01 12:34:56' }, '2024-05-01T12:34:56.000Z', null],
    ['CreateDate when the original date is zeroed', { DateTimeOriginal: '0000:00:00 00:00:00', CreateDate: '2023:01:02 03:04:05', OffsetTimeDigitized: '+01:00' }, '2023-01-02T02:04:05.000Z', '+01:00'],
    ['an XMP-style date with its zone', { DateTimeOriginal: '2024-05-01T12:34:56+09:00' }, '2024-05-01T03:34:56.000Z', '+09:00'],
    ['ModifyDate last', { ModifyDate: '2022:02:02 02:02:02' }, '2022-02-02T02:02:02.000Z', null],
  ])('uses %s', (_name, tags, takenAt, zone) => {
    expect(exifTakenAt(tags)).toMatchObject({ takenAt, timeZone: zone });
  });
  it('is null without any date', () => {
    expect(exifTakenAt({ Make: 'x' })).toBeNull();
  });
});

describe('text', () => {
  it.each([
    ['  Canon\0\0 ', 'Canon'],
    ['', null],
    ['\0\0', null],
    [42, null],
  ])('%j → %j', (value, expected) => {
    expect(text(value)).toBe(expected);
  });
});
