import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { detectFileType, type DetectedType } from './detect.js';
import { MediaError } from './errors.js';
import { openOptions } from './image/image-options.js';
import { endMarkerAfter, sequentialScanStart } from './image/jpeg-structure.js';
import { readImageHeader, type ImageHeader } from './image/render.js';
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
 * The small decode's verdict on a sequential JPEG, reached without entropy-decoding all of it:
 * libvips refuses such a file (failing on truncation only, as {@link openOptions} asks) when its
 * headers or tables are broken — met by the first rows of the scan — or when the data ends before
 * an end marker. Damage inside the scan is a warning it accepts either way. False when the file is
 * not a sequential JPEG; then the whole small decode runs.
 */
async function checkSequentialJpeg(path: string, size: number, header: ImageHeader, limits: MediaLimits): Promise<boolean> {
  const handle = await open(path, 'r');
  let scan: number | undefined;
  try {
    scan = await sequentialScanStart(handle, size);
  } finally {
    await handle.close();
  }
  if (scan === undefined) return false;
  // A square within the frame whatever its orientation; reading stops after its rows.
  const side = Math.min(16, header.width, header.height);
  await sharp(path, { ...openOptions(limits), sequentialRead: true })
    .extract({ left: 0, top: 0, width: side, height: side })
    .raw()
    .toBuffer()
    .catch((error: unknown) => {
      throw mediaErrorFromSharp(error);
    });
  if (!(await endMarkerAfter(path, scan))) throw new MediaError('corrupt', 'the image cannot be decoded: it ends before its end marker (cut off)');
  return true;
}

/**
 * Checks an uploaded file from its content before it joins the originals: `empty`, `unsupported`
 * (type detected from the bytes, never the name), `too_large` (per media type), `polyglot` (a ZIP
 * archive riding on an image or video), and for images the header's pixel count (`pixel_bomb`,
 * before decoding) and a small decode (`corrupt`) — for a sequential JPEG its equivalent, a few
 * rows and the end marker, a twentieth of the time on a 12 MP photo. Videos are probed later by
 * the worker.
 */
export async function checkUpload(path: string, limits: MediaLimits): Promise<DetectedType> {
  const { size } = await stat(path);
  if (size === 0) throw new MediaError('empty', 'the file is empty');
  const type = await detectFileType(path);
  const max = type.mediaType === 'image' ? limits.maxImageBytes : limits.maxVideoBytes;
  if (size > max) throw new MediaError('too_large', `the file has ${size} bytes, more than ${max} for a ${type.mediaType}`);
  if (await endsWithZip(path, size)) throw new MediaError('polyglot', 'the file also holds a ZIP archive');
  if (type.decoder === 'sharp') {
    const header = await readImageHeader({ input: path }, limits);
    if (type.ext !== 'jpg' || !(await checkSequentialJpeg(path, size, header, limits))) await decodeSmall(path, limits);
  }
  return type;
}
