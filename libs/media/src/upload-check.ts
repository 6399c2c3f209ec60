import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { detectFileType, type DetectedType } from './detect.js';
import { MediaError } from './errors.js';
import { openOptions } from './image/image-options.js';
import { readImageHeader } from './image/render.js';
import { mediaErrorFromSharp } from './image/sharp-errors.js';
import type { MediaLimits } from './limits.js';

// A ZIP reader looks for its end-of-central-directory record in the last 64 KiB + 22 bytes.
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_WINDOW = 0xffff + 22;

// Names people and cameras give each detected type; ISO media files are named freely by phones.
const ISO_MEDIA = ['mp4', 'm4v', 'mov', 'qt', '3gp', '3g2'];
const TIFF_BASED = ['tif', 'tiff', 'dng', 'nef', 'arw', 'cr2', 'orf', 'rw2', 'srw', 'pef'];
const EXTENSION_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  tif: TIFF_BASED,
  heic: ['heic', 'heif'],
  mp4: ISO_MEDIA,
  mov: ISO_MEDIA,
  m4v: ISO_MEDIA,
  '3gp': ISO_MEDIA,
  '3g2': ISO_MEDIA,
  mpg: ['mpg', 'mpeg', 'm2p', 'vob'],
  mts: ['mts', 'm2ts', 'ts'],
  asf: ['asf', 'wmv'],
  ogv: ['ogv', 'ogg'],
  ...Object.fromEntries(TIFF_BASED.slice(2).map((raw) => [raw, [raw, 'tif', 'tiff']])),
};

/**
 * True when `fileName`'s extension is one people use for `type` (`.jpeg` for JPEG, `.mov` for an
 * MP4). A name without an extension matches anything: the content decides.
 */
export function extensionMatchesType(fileName: string, type: DetectedType): boolean {
  const ext = extname(fileName).slice(1).toLowerCase();
  if (!ext) return true;
  return (EXTENSION_FAMILIES[type.ext] ?? [type.ext]).includes(ext);
}

/** True when the last bytes of the file hold a ZIP end-of-central-directory record. */
async function endsWithZip(path: string, size: number): Promise<boolean> {
  const length = Math.min(size, EOCD_WINDOW);
  const handle = await open(path, 'r');
  try {
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    return tail.includes(EOCD_SIGNATURE);
  } finally {
    await handle.close();
  }
}

/** Decodes the image small (shrink-on-load), so cut-off or corrupt pixel data is refused now. */
async function decodeSmall(path: string, limits: MediaLimits): Promise<void> {
  await sharp(path, openOptions(limits))
    .resize(64, 64, { fit: 'inside' })
    .raw()
    .toBuffer()
    .catch((error: unknown) => {
      throw mediaErrorFromSharp(error);
    });
}

/**
 * Checks an uploaded file from its content before it joins the originals: `empty`, `unsupported`
 * (type detected from the bytes, never the name), `too_large` (per media type), `polyglot` (a ZIP
 * archive riding on an image or video), and for images the header's pixel count (`pixel_bomb`,
 * before decoding) and a small decode (`corrupt`). Videos are probed later by the worker.
 */
export async function checkUpload(path: string, limits: MediaLimits): Promise<DetectedType> {
  const { size } = await stat(path);
  if (size === 0) throw new MediaError('empty', 'the file is empty');
  const type = await detectFileType(path);
  const max = type.mediaType === 'image' ? limits.maxImageBytes : limits.maxVideoBytes;
  if (size > max) throw new MediaError('too_large', `the file has ${size} bytes, more than ${max} for a ${type.mediaType}`);
  if (await endsWithZip(path, size)) throw new MediaError('polyglot', 'the file also holds a ZIP archive');
  if (type.decoder === 'sharp') {
    await readImageHeader({ input: path }, limits);
    await decodeSmall(path, limits);
  }
  return type;
}
