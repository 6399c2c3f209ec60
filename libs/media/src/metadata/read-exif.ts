import { readFile, stat } from 'node:fs/promises';
import exifr from 'exifr';
import type { ExifTags } from './exif-metadata.js';

// Raw values (no translation, no Date revival: exifr would read wall clocks in this machine's zone);
// only the blocks the metadata uses, and no maker notes, which are large and vendor-specific.
const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  ifd1: false,
  interop: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
} as const;

/**
 * Reads EXIF, GPS and XMP tags from a file or bytes (JPEG, TIFF, HEIC, AVIF, PNG, WebP and
 * TIFF-based RAWs). Broken or absent metadata yields no tags rather than an error: the photo may
 * still be fine.
 */
export async function readExifTags(input: string | Buffer): Promise<ExifTags> {
  try {
    const tags: unknown = await exifr.parse(await smallFilesInMemory(input), { ...EXIFR_OPTIONS });
    return typeof tags === 'object' && tags !== null ? (tags as ExifTags) : {};
  } catch {
    return {};
  }
}

// exifr's chunked file reader overruns its first chunk on files smaller than it when looking for
// XMP ("Offset is outside the bounds of the DataView"); such files are cheap to read whole.
const WHOLE_FILE_BELOW = 512 * 1024;

async function smallFilesInMemory(input: string | Buffer): Promise<string | Buffer> {
  if (typeof input !== 'string') return input;
  return (await stat(input)).size < WHOLE_FILE_BELOW ? readFile(input) : input;
}
