import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError } from '../errors.js';
import { DEFAULT_MEDIA_LIMITS } from '../limits.js';
import { tempDir } from '../test/fixtures.js';
import { checkUpload } from '../upload-check.js';
import { openOptions } from './image-options.js';

const dir = tempDir('atrium-jpeg-check-');
let n = 0;

/** What the upload check answers: ok, or the refusal's reason. */
async function verdict(bytes: Buffer): Promise<string> {
  const path = join(dir.path, `v${n++}.jpg`);
  writeFileSync(path, bytes);
  return checkUpload(path, DEFAULT_MEDIA_LIMITS).then(
    () => 'ok',
    (error: unknown) => (isMediaError(error) ? error.reason : `thrown: ${String(error)}`),
  );
}

/** What the whole small decode (the check before the JPEG shortcut) answers. */
async function decoded(bytes: Buffer): Promise<string> {
  return sharp(bytes, openOptions(DEFAULT_MEDIA_LIMITS))
    .resize(64, 64, { fit: 'inside' })
    .raw()
    .toBuffer()
    .then(
      () => 'ok',
      () => 'corrupt',
    );
}

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
const at = (bytes: Buffer, marker: number) => bytes.indexOf(Buffer.from([0xff, marker]));
const splice = (bytes: Buffer, offset: number, insert: number[]) =>
  Buffer.concat([bytes.subarray(0, offset), Buffer.from(insert), bytes.subarray(offset)]);

let photo: Buffer;
let progressive: Buffer;
let turned: Buffer;

beforeAll(async () => {
  photo = await noise(640, 480).withMetadata({ orientation: 1 }).jpeg({ quality: 90 }).toBuffer();
  progressive = await noise(320, 240).jpeg({ quality: 90, progressive: true }).toBuffer();
  turned = await noise(10, 40).withMetadata({ orientation: 6 }).jpeg().toBuffer();
});

afterAll(() => dir.remove());

describe('the JPEG shortcut of the upload check', () => {
  it('answers what the whole small decode answers, for intact and damaged files', async () => {
    const sos = at(photo, 0xda);
    const dht = at(photo, 0xc4);
    const middle = Math.floor(photo.length / 2);
    const variants: Array<[string, Buffer]> = [
      ['intact', photo],
      ['cut in the headers', photo.subarray(0, 100)],
      ['cut just after the scan header', photo.subarray(0, sos + 20)],
      ['cut at a quarter', photo.subarray(0, Math.floor(photo.length / 4))],
      ['cut in the middle', photo.subarray(0, middle)],
      ['cut at three quarters', photo.subarray(0, Math.floor((photo.length * 3) / 4))],
      ['without its end marker', photo.subarray(0, photo.length - 2)],
      ['without the last byte', photo.subarray(0, photo.length - 1)],
      ['cut, an end marker added', Buffer.concat([photo.subarray(0, middle), Buffer.from([0xff, 0xd9])])],
      ['trailing data after the end marker', Buffer.concat([photo, randomBytes(50_000)])],
      ['a movie after the end marker', Buffer.concat([photo, Buffer.from('\0\0\0\x18ftypmp42'), randomBytes(20_000)])],
      ['garbage in the scan', Buffer.concat([photo.subarray(0, middle), randomBytes(5_000).map((b) => (b === 0xff ? 0 : b)), photo.subarray(middle + 5_000)])],
      ['zeros in the scan', Buffer.concat([photo.subarray(0, middle), Buffer.alloc(20_000), photo.subarray(middle + 20_000)])],
      ['a start marker in the scan', splice(photo, middle, [0xff, 0xd8])],
      ['a scan marker in the scan', splice(photo, middle, [0xff, 0xda])],
      ['a table marker in the scan', splice(photo, middle, [0xff, 0xc4, 0x00, 0x03, 0x00])],
      ['no Huffman tables', Buffer.concat([photo.subarray(0, dht), photo.subarray(dht + 2 + photo.readUInt16BE(dht + 2))])],
      ['a broken Huffman table', Buffer.from(photo).fill(0xff, dht + 5, dht + 21)],
      ['a segment running past the end', Buffer.concat([photo.subarray(0, dht + 2), Buffer.from([0xff, 0xff])])],
      ['progressive, intact', progressive],
      ['progressive, cut', progressive.subarray(0, Math.floor(progressive.length / 2))],
      ['turned (EXIF orientation 6), 10 × 40', turned],
    ];
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const [name, bytes] of variants) {
      answers[name] = await verdict(bytes);
      expected[name] = await decoded(bytes);
    }
    expect(answers).toEqual(expected);
    // The comparison means something: cut-off files are refused, intact ones taken.
    expect(answers['cut in the middle']).toBe('corrupt');
    expect(answers['without its end marker']).toBe('corrupt');
    expect(answers['intact']).toBe('ok');
  });
});
