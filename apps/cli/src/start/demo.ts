import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { locateFfmpeg } from '@atrium/media';

/**
 * A demo library made on the spot for `atrium start`'s first run: photos of varied sizes and
 * orientations with real EXIF (dates with offsets, places, cameras) and two short videos, one of
 * them portrait. Nothing is downloaded: every picture is rendered here from a small scene.
 */

interface Place {
  name: string;
  latitude: number;
  longitude: number;
  offset: string;
}

interface Camera {
  make: string;
  model: string;
}

interface Shot {
  folder: string;
  file: string;
  width: number;
  height: number;
  /** EXIF orientation: 6 stores a portrait picture as rotated landscape pixels, as phones do. */
  orientation?: 6;
  takenAt: string;
  place?: Place;
  camera: Camera;
  palette: Palette;
  scene: 'mountains' | 'sea' | 'city' | 'studio';
}

interface Palette {
  sky: [string, string];
  sun: string;
  far: string;
  near: string;
}

const PLACES = {
  lisbon: { name: 'Lisbon', latitude: 38.7223, longitude: -9.1393, offset: '+01:00' },
  reykjavik: { name: 'Reykjavík', latitude: 64.1466, longitude: -21.9426, offset: '+00:00' },
  kyoto: { name: 'Kyoto', latitude: 35.0116, longitude: 135.7681, offset: '+09:00' },
  dolomites: { name: 'Dolomites', latitude: 46.4102, longitude: 11.844, offset: '+02:00' },
  nyc: { name: 'New York', latitude: 40.7128, longitude: -74.006, offset: '-04:00' },
  capeTown: { name: 'Cape Town', latitude: -33.9249, longitude: 18.4241, offset: '+02:00' },
} satisfies Record<string, Place>;

const CAMERAS: Camera[] = [
  { make: 'FUJIFILM', model: 'X-T4' },
  { make: 'Apple', model: 'iPhone 15 Pro' },
  { make: 'SONY', model: 'ILCE-7M4' },
  { make: 'Canon', model: 'Canon EOS R6' },
  { make: 'Google', model: 'Pixel 8' },
];

const PALETTES: Palette[] = [
  { sky: ['#f8b26a', '#fbe3b0'], sun: '#fff4d6', far: '#8b6f9e', near: '#3d2c4e' },
  { sky: ['#5aa9e6', '#d5ecfb'], sun: '#fffbe0', far: '#7fa6b7', near: '#2f5d62' },
  { sky: ['#1d2b53', '#7e2553'], sun: '#ffcc66', far: '#4a3f6b', near: '#1a1433' },
  { sky: ['#ffd1dc', '#fff0f5'], sun: '#ffffff', far: '#c48b9f', near: '#6d4c5c' },
  { sky: ['#98d8c8', '#f7f3e3'], sun: '#fff7c2', far: '#6a9f8e', near: '#355e52' },
  { sky: ['#ff7e5f', '#feb47b'], sun: '#fff1c1', far: '#a0522d', near: '#4b2a1a' },
];

/** A tiny deterministic generator, so a library's demo set is the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function ridge(width: number, height: number, base: number, roughness: number, next: () => number): string {
  const points: string[] = [`0,${height}`];
  const steps = 12;
  for (let i = 0; i <= steps; i++) {
    const x = Math.round((width * i) / steps);
    const y = Math.round(height * (base + (next() - 0.5) * roughness));
    points.push(`${x},${y}`);
  }
  points.push(`${width},${height}`);
  return points.join(' ');
}

function sceneSvg(shot: Shot, seed: number): string {
  // Portrait shots with orientation 6 are drawn upright, then stored rotated (as a camera would).
  const upright = shot.orientation === 6;
  const width = upright ? shot.height : shot.width;
  const height = upright ? shot.width : shot.height;
  const next = random(seed);
  const { sky, sun, far, near } = shot.palette;
  const sunX = Math.round(width * (0.2 + next() * 0.6));
  const sunY = Math.round(height * (0.15 + next() * 0.2));
  const sunR = Math.round(Math.min(width, height) * (0.06 + next() * 0.05));
  const layers: string[] = [];
  if (shot.scene === 'sea') {
    layers.push(`<rect x="0" y="${Math.round(height * 0.62)}" width="${width}" height="${height}" fill="${far}"/>`);
    for (let i = 0; i < 6; i++) {
      const y = Math.round(height * (0.66 + i * 0.05));
      layers.push(`<rect x="0" y="${y}" width="${width}" height="${Math.max(2, Math.round(height * 0.006))}" fill="${sky[1]}" opacity="0.35"/>`);
    }
  } else if (shot.scene === 'city') {
    let x = 0;
    while (x < width) {
      const w = Math.round(width * (0.05 + next() * 0.07));
      const h = Math.round(height * (0.25 + next() * 0.4));
      layers.push(`<rect x="${x}" y="${height - h}" width="${w}" height="${h}" fill="${next() > 0.5 ? far : near}"/>`);
      x += w + Math.round(width * 0.01);
    }
  } else if (shot.scene === 'studio') {
    layers.push(`<ellipse cx="${width / 2}" cy="${Math.round(height * 0.58)}" rx="${Math.round(width * 0.22)}" ry="${Math.round(height * 0.3)}" fill="${far}"/>`);
    layers.push(`<circle cx="${width / 2}" cy="${Math.round(height * 0.3)}" r="${Math.round(Math.min(width, height) * 0.14)}" fill="${near}"/>`);
  } else {
    layers.push(`<polygon points="${ridge(width, height, 0.55, 0.35, next)}" fill="${far}"/>`);
    layers.push(`<polygon points="${ridge(width, height, 0.75, 0.2, next)}" fill="${near}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
  <rect width="${width}" height="${height}" fill="url(#sky)"/>
  ${shot.scene === 'studio' ? '' : `<circle cx="${sunX}" cy="${sunY}" r="${sunR}" fill="${sun}"/>`}
  ${layers.join('\n  ')}
</svg>`;
}

/** `[deg, min, sec]` as the EXIF rationals libvips writes (`48/1 51/1 3024/100`). */
function exifCoordinate(value: number): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = Math.floor((abs - degrees) * 60);
  const seconds = Math.round(((abs - degrees) * 60 - minutes) * 60 * 100);
  return `${degrees}/1 ${minutes}/1 ${seconds}/100`;
}

function exifFor(shot: Shot): Record<string, Record<string, string>> {
  const exif: Record<string, Record<string, string>> = {
    IFD0: { Make: shot.camera.make, Model: shot.camera.model },
    IFD2: {
      DateTimeOriginal: shot.takenAt,
      ...(shot.place ? { OffsetTimeOriginal: shot.place.offset } : {}),
    },
  };
  if (shot.place)
    exif.IFD3 = {
      GPSLatitudeRef: shot.place.latitude >= 0 ? 'N' : 'S',
      GPSLatitude: exifCoordinate(shot.place.latitude),
      GPSLongitudeRef: shot.place.longitude >= 0 ? 'E' : 'W',
      GPSLongitude: exifCoordinate(shot.place.longitude),
    };
  return exif;
}

const SIZES: Array<Pick<Shot, 'width' | 'height' | 'orientation'>> = [
  { width: 2400, height: 1600 },
  { width: 1600, height: 2400 },
  { width: 2000, height: 2000 },
  { width: 3600, height: 1200 },
  { width: 2400, height: 1600, orientation: 6 },
  { width: 1200, height: 900 },
];

interface Theme {
  trips: Array<{ folder: string; place?: Place; year: number; month: number; scene: Shot['scene'] }>;
}

const THEMES: Record<string, Theme> = {
  family: {
    trips: [
      { folder: '2022/Lisbon', place: PLACES.lisbon, year: 2022, month: 5, scene: 'city' },
      { folder: '2023/Iceland', place: PLACES.reykjavik, year: 2023, month: 8, scene: 'mountains' },
      { folder: '2024/Beach', place: PLACES.capeTown, year: 2024, month: 1, scene: 'sea' },
      { folder: '2025/Garden', year: 2025, month: 6, scene: 'mountains' },
    ],
  },
  studio: {
    trips: [
      { folder: 'Portraits/2024', year: 2024, month: 3, scene: 'studio' },
      { folder: 'Commissions/Dolomites', place: PLACES.dolomites, year: 2024, month: 9, scene: 'mountains' },
      { folder: 'Commissions/Kyoto', place: PLACES.kyoto, year: 2025, month: 4, scene: 'city' },
      { folder: 'Street/New York', place: PLACES.nyc, year: 2025, month: 10, scene: 'city' },
    ],
  },
};

const PHOTOS_PER_TRIP = 6;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The demo photos of a library: every library gets one, named after it when it has no theme. */
export function demoShots(library: string): Shot[] {
  const theme = THEMES[library] ?? THEMES.family!;
  const seedBase = [...library].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7);
  const next = random(seedBase);
  const shots: Shot[] = [];
  theme.trips.forEach((trip, t) => {
    for (let i = 0; i < PHOTOS_PER_TRIP; i++) {
      const size = SIZES[(i + t) % SIZES.length]!;
      const day = 1 + ((i * 3 + t) % 27);
      const hour = 8 + Math.floor(next() * 11);
      shots.push({
        folder: trip.folder,
        file: `IMG_${1000 + t * 100 + i}.jpg`,
        ...size,
        takenAt: `${trip.year}:${pad(trip.month)}:${pad(day)} ${pad(hour)}:${pad(Math.floor(next() * 60))}:${pad(Math.floor(next() * 60))}`,
        place: trip.place,
        camera: CAMERAS[(t + i) % CAMERAS.length]!,
        palette: PALETTES[(t * 2 + i) % PALETTES.length]!,
        scene: trip.scene,
      });
    }
  });
  return shots;
}

async function renderShot(root: string, shot: Shot, seed: number): Promise<void> {
  const path = join(root, shot.folder, shot.file);
  await mkdir(dirname(path), { recursive: true });
  let image = sharp(Buffer.from(sceneSvg(shot, seed)));
  // Stored as the sensor saw it: rotated a quarter turn back, the EXIF orientation says how to show it.
  if (shot.orientation === 6) image = image.rotate(-90);
  image = image.jpeg({ quality: 84 }).withExif(exifFor(shot));
  // libvips writes the orientation tag from its own field, not from the EXIF block.
  if (shot.orientation) image = image.withMetadata({ orientation: shot.orientation });
  const jpeg = await image.toBuffer();
  await writeFile(path, jpeg);
}

interface DemoVideo {
  file: string;
  width: number;
  height: number;
  seconds: number;
  createdAt: string;
  place?: Place;
}

const VIDEOS: DemoVideo[] = [
  { file: 'Videos/waves.mp4', width: 1280, height: 720, seconds: 4, createdAt: '2024-01-12T16:40:00Z', place: PLACES.capeTown },
  { file: 'Videos/portrait.mp4', width: 720, height: 1280, seconds: 3, createdAt: '2025-06-21T18:05:00Z' },
];

function iso6709(place: Place): string {
  const sign = (v: number, width: number) => `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(4).padStart(width + 5, '0')}`;
  return `${sign(place.latitude, 2)}${sign(place.longitude, 3)}/`;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${stderr}`))));
  });
}

async function renderVideo(root: string, ffmpeg: string, video: DemoVideo): Promise<void> {
  const path = join(root, video.file);
  await mkdir(dirname(path), { recursive: true });
  const args = [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `mandelbrot=size=${video.width}x${video.height}:rate=25`,
    '-t', String(video.seconds),
    '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28',
    '-metadata', `creation_time=${video.createdAt}`,
    ...(video.place ? ['-metadata', `location=${iso6709(video.place)}`] : []),
    '-movflags', '+faststart',
    path,
  ];
  await run(ffmpeg, args);
}

/** Whether a folder holds any file at all (a user's originals are never mixed with the demo). */
export async function isEmptyFolder(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** Writes the demo set of `library` into `root`; returns how many files it wrote. */
export async function writeDemoLibrary(root: string, library: string, searchPath = process.env.PATH): Promise<number> {
  const shots = demoShots(library);
  let seed = 1;
  for (const shot of shots) await renderShot(root, shot, seed++);
  const { ffmpeg } = locateFfmpeg(searchPath);
  for (const video of VIDEOS) await renderVideo(root, ffmpeg, video);
  return shots.length + VIDEOS.length;
}
