import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { hashFile } from '../hash.js';

const run = promisify(execFile);

/** A temporary folder removed by `remove()`. */
export function tempDir(prefix = 'atrium-media-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** EXIF to write into a generated photo (sharp's `withExifMerge` IFD layout). */
export interface PhotoExif {
  make?: string;
  model?: string;
  lens?: string;
  dateTimeOriginal?: string;
  offsetTimeOriginal?: string;
  fNumber?: string;
  iso?: string;
  gps?: { lat: [number, number, number]; latRef: 'N' | 'S'; lon: [number, number, number]; lonRef: 'E' | 'W'; altitude?: number };
  gpsClock?: { date: string; time: [number, number, number] };
}

/**
 * A photo whose left half is red and right half blue (so orientation can be checked from pixels),
 * with EXIF orientation and tags as given.
 */
export async function makePhoto(options: { width?: number; height?: number; orientation?: number; exif?: PhotoExif; format?: 'jpeg' | 'png' | 'avif' | 'tiff' | 'webp' } = {}): Promise<Buffer> {
  const width = options.width ?? 400;
  const height = options.height ?? 300;
  const half = Math.floor(width / 2);
  const red = await sharp({ create: { width: half, height, channels: 3, background: { r: 220, g: 20, b: 20 } } }).png().toBuffer();
  let image = sharp({ create: { width, height, channels: 3, background: { r: 20, g: 20, b: 220 } } }).composite([{ input: red, left: 0, top: 0 }]);
  image = image.withMetadata({ orientation: options.orientation ?? 1 });
  if (options.exif) image = image.withExifMerge(exifIfds(options.exif));
  const format = options.format ?? 'jpeg';
  return image.toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toBuffer();
}

function exifIfds(exif: PhotoExif) {
  const IFD0: Record<string, string> = {};
  const IFD2: Record<string, string> = {};
  const IFD3: Record<string, string> = {};
  if (exif.make) IFD0.Make = exif.make;
  if (exif.model) IFD0.Model = exif.model;
  if (exif.lens) IFD2.LensModel = exif.lens;
  if (exif.dateTimeOriginal) IFD2.DateTimeOriginal = exif.dateTimeOriginal;
  if (exif.offsetTimeOriginal) IFD2.OffsetTimeOriginal = exif.offsetTimeOriginal;
  if (exif.fNumber) IFD2.FNumber = exif.fNumber;
  if (exif.iso) IFD2.ISOSpeedRatings = exif.iso;
  if (exif.gps) {
    const dms = (v: [number, number, number]) => `${v[0]}/1 ${v[1]}/1 ${Math.round(v[2] * 100)}/100`;
    Object.assign(IFD3, { GPSLatitudeRef: exif.gps.latRef, GPSLatitude: dms(exif.gps.lat), GPSLongitudeRef: exif.gps.lonRef, GPSLongitude: dms(exif.gps.lon) });
    if (exif.gps.altitude !== undefined) Object.assign(IFD3, { GPSAltitude: `${Math.round(exif.gps.altitude)}/1`, GPSAltitudeRef: '0' });
  }
  if (exif.gpsClock) Object.assign(IFD3, { GPSDateStamp: exif.gpsClock.date, GPSTimeStamp: exif.gpsClock.time.map((n) => `${n}/1`).join(' ') });
  return { IFD0, IFD2, IFD3 };
}

/** Random-noise JPEG (realistic entropy, like a camera file) of `width`×`height`. */
export function makeNoisePhoto(width: number, height: number, quality = 90): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
    .jpeg({ quality })
    .toBuffer();
}

/** A valid PNG of `width`×`height` 1-bit pixels: tiny on disk, enormous once decoded. */
export function makePixelBombPng(width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8) + 1;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/**
 * A minimal Canon CR2-shaped RAW: a TIFF header with Canon's `CR` marker, IFD0 holding Make,
 * Model and Orientation, and two embedded JPEGs (a small thumbnail and the large preview).
 */
export async function makeCr2(options: { orientation: number; preview: Buffer; thumbnail: Buffer }): Promise<Buffer> {
  const make = Buffer.from('Canon\0');
  const model = Buffer.from('Canon EOS 5D Mark IV\0');
  const entries: Array<[number, number, number, number | Buffer]> = [
    [0x010f, 2, make.length, make],
    [0x0110, 2, model.length, model],
    [0x0112, 3, 1, options.orientation],
  ];
  const ifdOffset = 16;
  const ifdSize = 2 + entries.length * 12 + 4;
  let dataOffset = ifdOffset + ifdSize;
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, ifdOffset, 0, 0, 0, 0x43, 0x52, 0x02, 0x00, 0, 0, 0, 0]);
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries.length, 0);
  const blobs: Buffer[] = [];
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + i * 12;
    ifd.writeUInt16LE(tag, at);
    ifd.writeUInt16LE(type, at + 2);
    ifd.writeUInt32LE(count, at + 4);
    if (Buffer.isBuffer(value)) {
      ifd.writeUInt32LE(dataOffset, at + 8);
      blobs.push(value);
      dataOffset += value.length;
    } else ifd.writeUInt16LE(value, at + 8);
  });
  // Sensor-like filler between the previews, with a lone SOI that leads nowhere.
  const filler = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]), Buffer.alloc(512, 0x5a)]);
  return Buffer.concat([header, ifd, ...blobs, options.thumbnail, filler, options.preview, filler]);
}

/** Options for {@link makeVideo}. */
export interface VideoSpec {
  width: number;
  height: number;
  seconds?: number;
  fps?: number;
  codec?: 'libx264' | 'libx265' | 'mpeg4';
  audio?: boolean;
  container?: 'mp4' | 'mov' | 'matroska';
  metadata?: Record<string, string>;
  /** Clockwise display rotation written into the video track's matrix, as phones do. */
  rotation?: 90 | 180 | 270;
}

/** Encodes a test-pattern video (with a tone when `audio`) using the system's ffmpeg. */
export async function makeVideo(path: string, spec: VideoSpec): Promise<void> {
  const seconds = String(spec.seconds ?? 1);
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${spec.width}x${spec.height}:r=${spec.fps ?? 15}`];
  if (spec.audio) args.push('-f', 'lavfi', '-i', 'sine=f=440:sample_rate=48000');
  args.push('-t', seconds, '-c:v', spec.codec ?? 'libx264', '-pix_fmt', 'yuv420p');
  if (spec.codec !== 'mpeg4') args.push('-preset', 'ultrafast');
  if (spec.codec === 'libx265') args.push('-tag:v', 'hvc1', '-x265-params', 'log-level=error');
  if (spec.audio) args.push('-c:a', 'aac', '-shortest');
  for (const [k, v] of Object.entries(spec.metadata ?? {})) args.push('-metadata', `${k}=${v}`);
  if (spec.metadata) args.push('-movflags', 'use_metadata_tags');
  args.push('-f', spec.container ?? 'mp4', path);
  await run('ffmpeg', args);
  if (spec.rotation) writeFileSync(path, withTrackRotation(readFileSync(path), spec.rotation));
}

/**
 * Writes a rotation into the first track header (`tkhd`) matrix of an MP4/MOV: how phones record
 * a video held upright (ffmpeg 5 has no flag for it).
 */
export function withTrackRotation(file: Buffer, clockwise: 90 | 180 | 270): Buffer {
  const out = Buffer.from(file);
  const at = out.indexOf(Buffer.from('tkhd'));
  if (at < 0) throw new Error('no tkhd box');
  const version = out[at + 4];
  const matrix = at + 4 + 4 + (version === 1 ? 32 : 20) + 8 + 8;
  const one = 0x10000;
  const matrices = { 90: [0, one, 0, -one, 0, 0], 180: [-one, 0, 0, 0, -one, 0], 270: [0, -one, 0, one, 0, 0] };
  [...matrices[clockwise], 0, 0, 0x40000000].forEach((v, i) => out.writeInt32BE(v, matrix + 4 * i));
  return out;
}

/**
 * A "video bomb": one second of black 4K at 60 fps (MPEG-4 part 2 in Matroska, so it must be
 * transcoded), stream-copied `loops` times. A few MB on disk, minutes of decoding: ffmpeg works on
 * it far past any sane timeout.
 */
export async function makeVideoBomb(dir: string, path: string, loops = 120): Promise<void> {
  const unit = join(dir, '.bomb-unit.mkv');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=black:s=3840x2160:r=60', '-t', '1', '-c:v', 'mpeg4', '-g', '60', '-pix_fmt', 'yuv420p', unit]);
  await run('ffmpeg', ['-v', 'error', '-y', '-stream_loop', String(loops - 1), '-i', unit, '-c', 'copy', '-f', 'matroska', path]);
  rmSync(unit, { force: true });
}

/** Runs ffprobe and returns its JSON. */
export async function ffprobeJson(path: string): Promise<{ streams: Array<Record<string, unknown>>; format: Record<string, unknown> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  return JSON.parse(stdout) as { streams: Array<Record<string, unknown>>; format: Record<string, unknown> };
}

/** Writes `bytes` to `dir/name` and returns the payload fields for it. */
export async function placeOriginal(dir: string, name: string, bytes: Buffer): Promise<{ relPath: string; contentHash: string; path: string }> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { relPath: name, contentHash: await hashFile(path), path };
}
