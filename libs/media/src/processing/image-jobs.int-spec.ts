import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { afterAll, describe, expect, it } from 'vitest';
import { makeContext } from '../test/context.js';
import { makeCr2, makePhoto, placeOriginal, tempDir } from '../test/fixtures.js';
import { processMediaJob } from './process-job.js';

const dir = tempDir();
const ctx = makeContext(dir.path);
afterAll(() => dir.remove());

async function original(name: string, bytes: Buffer) {
  const { relPath, contentHash } = await placeOriginal(ctx.originalsPath, name, bytes);
  return { assetId: name.replace(/\W/g, '-'), relPath, contentHash };
}

/** Mean colour of the top-left and bottom-right quarters of an image file. */
async function corners(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
  return { width: info.width, height: info.height, topLeftRed: at(2, 2) > 128, bottomRightRed: at(info.width - 3, info.height - 3) > 128 };
}

describe('photo thumbnails', () => {
  // The fixture is 4000×3000, left half red: after orientation 6 (90° clockwise) red is on top.
  it.each([
    [1, 333, 250, true, false],
    [3, 333, 250, false, true],
    [6, 250, 333, true, false],
    [8, 250, 333, false, true],
  ])('orientation %i → a %i×%i tile, red top-left %s', async (orientation, w, h, topLeftRed, bottomRightRed) => {
    const job = await original(`rot-${orientation}.jpg`, await makePhoto({ width: 4000, height: 3000, orientation }));
    const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, ctx);
    expect(outcome.outputs).toEqual({ thumb: `derivatives/${job.contentHash.slice(0, 2)}/${job.contentHash}/thumb.webp`, preview: `derivatives/${job.contentHash.slice(0, 2)}/${job.contentHash}/preview.jpg` });
    const thumb = join(ctx.cachePath, outcome.outputs.thumb!);
    expect((await sharp(thumb).metadata()).format).toBe('webp');
    expect(await corners(thumb)).toEqual({ width: w, height: h, topLeftRed, bottomRightRed });
    const preview = await sharp(join(ctx.cachePath, outcome.outputs.preview!)).metadata();
    expect([preview.format, Math.min(preview.width, preview.height), preview.orientation]).toEqual(['jpeg', 1440, undefined]);
    expect(preview.width > preview.height).toBe(orientation < 5);
    expect([outcome.width, outcome.height]).toEqual(orientation < 5 ? [4000, 3000] : [3000, 4000]);
  });

  it('makes a placeholder that decodes to the photo’s colours', async () => {
    const job = await original('hash.jpg', await makePhoto({ width: 800, height: 600 }));
    const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: {} }, ctx);
    const decoded = thumbHashToRGBA(Buffer.from(outcome.placeholder!, 'base64'));
    const px = (x: number) => decoded.rgba[(Math.floor(decoded.h / 2) * decoded.w + x) * 4]!;
    expect(px(1)).toBeGreaterThan(px(decoded.w - 2) + 80);
    expect(outcome.outputs.preview).toBeUndefined();
  });

  it('honours quality and format params, never enlarges', async () => {
    const job = await original('small.png', await makePhoto({ width: 600, height: 400, format: 'png' }));
    const hi = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: { previewFormat: 'webp', thumbQuality: 95 } }, ctx);
    const hiSize = readFileSync(join(ctx.cachePath, hi.outputs.thumb!)).length;
    const preview = await sharp(join(ctx.cachePath, hi.outputs.preview!)).metadata();
    expect([hi.outputs.preview?.endsWith('preview.webp'), preview.format, preview.width, preview.height]).toEqual([true, 'webp', 600, 400]);
    const lo = await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: { thumbQuality: 5 } }, ctx);
    expect(readFileSync(join(ctx.cachePath, lo.outputs.thumb!)).length).toBeLessThan(hiSize);
  });

  it('converts wide-gamut (Display P3) colour to sRGB through the ICC profile', async () => {
    const p3 = await sharp({ create: { width: 600, height: 600, channels: 3, background: { r: 200, g: 100, b: 50 } } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
    expect(Math.abs(stored[0]! - 200)).toBeGreaterThan(5);
    const job = await original('p3.jpg', p3);
    const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, ctx);
    for (const kind of ['thumb', 'preview'] as const) {
      const px = await sharp(join(ctx.cachePath, outcome.outputs[kind]!)).raw().toBuffer();
      expect([...px.subarray(0, 3)].map((v, i) => Math.abs(v - [200, 100, 50][i]!) <= 4)).toEqual([true, true, true]);
    }
  });

  it('turns CMYK and transparent images into opaque sRGB previews', async () => {
    const cmyk = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 30, g: 160, b: 60 } } }).toColourspace('cmyk').jpeg().toBuffer();
    const cmykAsSrgb = [...(await sharp(cmyk).toColourspace('srgb').raw().toBuffer()).subarray(0, 3)];
    const clear = await sharp({ create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    for (const [name, bytes, rgb] of [['cmyk.jpg', cmyk, cmykAsSrgb], ['clear.png', clear, [255, 255, 255]]] as const) {
      const job = await original(name, bytes);
      const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['preview'], params: {} }, ctx);
      const { data, info } = await sharp(join(ctx.cachePath, outcome.outputs.preview!)).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(3);
      expect([name, ...[...data.subarray(0, 3)].map((v, i) => Math.abs(v - rgb[i]!) <= 3)]).toEqual([name, true, true, true]);
    }
  });

  it('keeps transparency in the tile while the JPEG preview lays it over white', async () => {
    const clear = await sharp({ create: { width: 600, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const outcome = await processMediaJob('thumbnails', { ...(await original('alpha.png', clear)), kinds: ['thumb', 'preview'], params: {} }, ctx);
    const tile = await sharp(join(ctx.cachePath, outcome.outputs.thumb!)).raw().toBuffer({ resolveWithObject: true });
    const preview = await sharp(join(ctx.cachePath, outcome.outputs.preview!)).raw().toBuffer({ resolveWithObject: true });
    expect([tile.info.channels, tile.data[3], preview.info.channels, [...preview.data.subarray(0, 3)]]).toEqual([4, 0, 3, [255, 255, 255]]);
  });

  it('decodes AVIF with the bundled libvips', async () => {
    const job = await original('photo.avif', await makePhoto({ width: 640, height: 480, format: 'avif' }));
    const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: {} }, ctx);
    expect(await corners(join(ctx.cachePath, outcome.outputs.thumb!))).toMatchObject({ width: 333, height: 250, topLeftRed: true });
  });

  it('renders a RAW file from its largest embedded preview, with the RAW’s orientation', async () => {
    const preview = await makePhoto({ width: 1600, height: 1200 });
    const thumbnail = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#00ff00' } }).jpeg().toBuffer();
    const job = await original('IMG_0001.CR2', await makeCr2({ orientation: 6, preview, thumbnail }));
    const outcome = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, ctx);
    expect(await corners(join(ctx.cachePath, outcome.outputs.thumb!))).toEqual({ width: 250, height: 333, topLeftRed: true, bottomRightRed: false });
    const meta = await processMediaJob('metadata', { ...job, kinds: [], params: {} }, ctx);
    expect(meta.metadata).toMatchObject({ mime: 'image/x-canon-cr2', make: 'Canon', model: 'Canon EOS 5D Mark IV', orientation: 6 });
  });
});

describe('photo metadata', () => {
  it('reads every field written into a phone-style JPEG', async () => {
    const bytes = await makePhoto({
      width: 400,
      height: 300,
      orientation: 6,
      exif: {
        make: 'Google',
        model: 'Pixel 8',
        lens: 'Pixel 8 back camera 6.9mm f/1.68',
        dateTimeOriginal: '2024:05:01 12:34:56',
        offsetTimeOriginal: '+02:00',
        fNumber: '168/100',
        iso: '50',
        gps: { lat: [48, 51, 30.24], latRef: 'N', lon: [2, 17, 40.2], lonRef: 'E', altitude: 35 },
      },
    });
    const job = await original('pixel.jpg', bytes);
    const outcome = await processMediaJob('metadata', { ...job, kinds: [], params: {} }, ctx);
    expect(outcome.metadata).toEqual({
      mime: 'image/jpeg',
      mediaType: 'image',
      fileSize: bytes.length,
      width: 300,
      height: 400,
      orientation: 6,
      takenAt: '2024-05-01T10:34:56.000Z',
      takenAtLocal: '2024-05-01T12:34:56.000',
      timeZone: '+02:00',
      make: 'Google',
      model: 'Pixel 8',
      lens: 'Pixel 8 back camera 6.9mm f/1.68',
      gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
      durationMs: null,
      fNumber: 1.68,
      exposureTime: null,
      iso: 50,
      focalLength: null,
      video: null,
    });
    expect([outcome.width, outcome.height]).toEqual([300, 400]);
  });

  it('derives the zone from the GPS clock when the camera wrote none', async () => {
    const bytes = await makePhoto({ exif: { dateTimeOriginal: '2024:01:15 08:00:00', gpsClock: { date: '2024:01:15', time: [13, 0, 2] } } });
    const outcome = await processMediaJob('metadata', { ...(await original('ny.jpg', bytes)), kinds: [], params: {} }, ctx);
    expect(outcome.metadata).toMatchObject({ takenAt: '2024-01-15T13:00:00.000Z', timeZone: '-05:00' });
  });

  it('reads the capture time and its zone from XMP when EXIF has none', async () => {
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:DateTimeOriginal="2023-08-09T07:06:05+09:00"/></rdf:RDF></x:xmpmeta>';
    const bytes = await sharp(await makePhoto()).withXmp(xmp).jpeg().toBuffer();
    const outcome = await processMediaJob('metadata', { ...(await original('edited.jpg', bytes)), kinds: [], params: {} }, ctx);
    expect(outcome.metadata).toMatchObject({ takenAt: '2023-08-08T22:06:05.000Z', takenAtLocal: '2023-08-09T07:06:05.000', timeZone: '+09:00' });
  });

  it('reads a photo without EXIF with its size and nothing invented', async () => {
    const outcome = await processMediaJob('metadata', { ...(await original('plain.png', await makePhoto({ format: 'png' }))), kinds: [], params: {} }, ctx);
    expect(outcome.metadata).toMatchObject({ mime: 'image/png', width: 400, height: 300, takenAt: null, make: null, gps: null });
  });
});
