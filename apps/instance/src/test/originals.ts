import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** Builders for original files in tests: real JPEGs, PNGs and MP4s, each with content of its own. */
export async function writeJpeg(
  root: string,
  relPath: string,
  seed: number,
  takenAt?: string,
): Promise<string> {
  const path = join(root, relPath);
  await mkdir(dirname(path), { recursive: true });
  const image = sharp({
    create: {
      width: 64 + (seed % 7),
      height: 48,
      channels: 3,
      background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13) % 256 },
    },
  });
  const exif = takenAt ? { IFD2: { DateTimeOriginal: takenAt } } : {};
  await writeFile(path, await image.jpeg({ quality: 90 }).withExif(exif).toBuffer());
  return path;
}

export async function writeVideo(root: string, relPath: string, seconds = 1): Promise<string> {
  const path = join(root, relPath);
  await mkdir(dirname(path), { recursive: true });
  const ffmpeg = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${seconds}:size=160x120:rate=10`,
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      path,
    ],
    { encoding: 'utf8' },
  );
  if (ffmpeg.status !== 0) throw new Error(`ffmpeg failed: ${ffmpeg.stderr}`);
  return path;
}

export async function writeText(root: string, relPath: string, text: string): Promise<string> {
  const path = join(root, relPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}
