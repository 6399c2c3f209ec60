// The bare baselines, run in this process (or as plain child processes) with the same parallelism
// as the worker: sharp doing exactly the worker's thumbnail work, Immich's settings as Immich's
// classic pipeline runs them, ImageMagick's `convert -thumbnail`, and the ffmpeg command line.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

const run = promisify(execFile);

/** Runs `task(item)` over `items` with `parallel` tasks in flight; returns the seconds taken. */
export async function inParallel(items, parallel, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The worker's thumbnail work with sharp and nothing else (no queue, no type detection, no header
 * check, no atomic rename): the original decoded once into the 1440 px JPEG preview, the 250 px
 * WebP tile and the thumbhash made from that preview.
 */
export async function bareSharp(input, outDir) {
  mkdirSync(outDir, { recursive: true });
  const resize = (size) => ({ width: size, height: size, fit: 'outside', withoutEnlargement: true });
  const preview = await sharp(input).autoOrient().resize(resize(1440)).toColourspace('srgb').jpeg({ quality: 80 }).toBuffer();
  const { data, info } = await sharp(preview).resize(resize(250)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const tile = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const [thumb, small] = await Promise.all([
    tile.clone().webp({ quality: 80 }).toBuffer(),
    tile.clone().resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  rgbaToThumbHash(small.info.width, small.info.height, small.data);
  writeFileSync(join(outDir, 'thumb.webp'), thumb);
  writeFileSync(join(outDir, 'preview.jpg'), preview);
}

/**
 * Immich's settings (250 px WebP q80, 1440 px JPEG q80, thumbhash) as its classic pipeline ran
 * them: the preview and the tile each decoded from the original, the thumbhash from the tile.
 */
export async function immichReplay(input, outDir) {
  mkdirSync(outDir, { recursive: true });
  const resize = (size) => ({ width: size, height: size, fit: 'outside', withoutEnlargement: true });
  await sharp(input, { failOn: 'none' }).rotate().resize(resize(1440)).jpeg({ quality: 80 }).toFile(join(outDir, 'preview.jpg'));
  await sharp(input, { failOn: 'none' }).rotate().resize(resize(250)).webp({ quality: 80 }).toFile(join(outDir, 'thumb.webp'));
  const small = await sharp(join(outDir, 'thumb.webp')).resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  rgbaToThumbHash(small.info.width, small.info.height, small.data);
}

/** ImageMagick 6: one decode, `-thumbnail` to the 1440 px preview and the 250 px WebP tile. */
export async function imageMagick(input, outDir) {
  mkdirSync(outDir, { recursive: true });
  await run('/usr/bin/convert', [
    input, '-auto-orient',
    '(', '+clone', '-thumbnail', '1440x1440^', '-quality', '80', '-write', join(outDir, 'preview.jpg'), '+delete', ')',
    '-thumbnail', '250x250^', '-quality', '80', join(outDir, 'thumb.webp'),
  ], { env: { ...process.env, MAGICK_THREAD_LIMIT: '1' } });
}

/** The ffmpeg command line running exactly the worker's transcode arguments; returns seconds. */
export async function ffmpegCli(input, output, args) {
  const started = performance.now();
  await run('ffmpeg', ['-y', ...args.input, '-i', input, ...args.output, output]);
  return (performance.now() - started) / 1000;
}
