// Generated inputs for the media benchmarks: camera-sized JPEGs (noise over a gradient, like a
// photo's entropy) and a 1080p clip. Distinct files are made cheaply from a few encoded bases by
// appending a unique trailer after the JPEG's end marker: the bytes (and content hash) differ,
// the decoding work is the same as the base's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** Writes `count` distinct JPEGs of `width`×`height` into `dir`; returns their file names. */
export async function makePhotos(dir, count, width, height, bases = 10) {
  mkdirSync(dir, { recursive: true });
  const encoded = [];
  for (let b = 0; b < Math.min(bases, count); b++) {
    const gradient = await sharp({ create: { width, height, channels: 3, background: { r: 40 + b * 15, g: 120, b: 200 - b * 12 } } })
      .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff" stop-opacity="0.6"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`), blend: 'overlay' }])
      .png()
      .toBuffer();
    encoded.push(
      await sharp(gradient)
        .composite([{ input: await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 18 } } }).png().toBuffer(), blend: 'soft-light' }])
        .jpeg({ quality: 88 })
        .toBuffer(),
    );
  }
  const names = [];
  for (let i = 0; i < count; i++) {
    const name = `IMG_${String(i).padStart(5, '0')}.jpg`;
    writeFileSync(join(dir, name), Buffer.concat([encoded[i % encoded.length], Buffer.from(`atrium-bench-${i}`)]));
    names.push(name);
  }
  return names;
}

/** A 1080p clip that needs a transcode (MPEG-4 part 2 and MP3 in Matroska), `seconds` long. */
export function makeClip(path, seconds) {
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=30`,
    '-f', 'lavfi', '-i', 'sine=f=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'mpeg4', '-q:v', '3', '-c:a', 'libmp3lame', '-shortest', '-f', 'matroska', path,
  ]);
}
