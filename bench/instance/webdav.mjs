// WebDAV benchmark (issue 15): `rclone sync` of WEBDAV_BENCH_FILES (1,000) photos up into a
// person's upload path over the instance's WebDAV (app password checked through the portal, every
// file content-checked, hashed and indexed), down again, and a second sync that finds nothing to
// do; each against the same `rclone sync` between two local folders (what the issue asks) and
// against `rclone serve webdav` of a plain folder (a bare WebDAV server: the same client, its
// pacing of 10 ms per call included, without Atrium's checks), run just before it.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);
const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;

/** `count` distinct small JPEGs (noise, so each is its own content: uploads refuse duplicates). */
async function makePhotos(dir, count) {
  mkdirSync(dir, { recursive: true });
  const width = 640;
  const height = 480;
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < noise.length; j += 97) noise[j] = (Math.random() * 256) | 0;
    const jpeg = await sharp(noise, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    const folder = join(dir, `day-${String(i % 20).padStart(2, '0')}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `IMG_${String(i).padStart(4, '0')}.jpg`), jpeg);
  }
}

function remoteEnv(name, url, user, obscured) {
  const key = `RCLONE_CONFIG_${name.toUpperCase()}`;
  return {
    [`${key}_TYPE`]: 'webdav',
    [`${key}_URL`]: url,
    [`${key}_VENDOR`]: 'other',
    [`${key}_USER`]: user,
    [`${key}_PASS`]: obscured,
  };
}

/** Seconds one `rclone sync from to` takes (rclone's defaults: 4 transfers, 8 checkers). */
async function sync(from, to, env) {
  const started = performance.now();
  await run('rclone', ['sync', from, to, '--retries', '1', '--low-level-retries', '2'], { env, maxBuffer: 1 << 24 });
  return (performance.now() - started) / 1000;
}

function countFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/** `rclone serve webdav` of a folder: a bare WebDAV server (Go, no checks, no database). */
async function serveBare(dir, port, user, password) {
  mkdirSync(dir, { recursive: true });
  const child = spawn('rclone', ['serve', 'webdav', dir, '--addr', `127.0.0.1:${port}`, '--user', user, '--pass', password], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (c) => (output += c));
  for (let i = 0; i < 100; i++) {
    const answer = await fetch(`http://127.0.0.1:${port}/`, { method: 'OPTIONS' }).catch(() => undefined);
    if (answer) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`rclone serve webdav did not start: ${output}`);
}

/** Up, down, and an unchanged second sync up between `src` and `remote`; seconds each. */
async function roundTrip(src, remote, down, env) {
  const up = await sync(src, remote, env);
  const back = await sync(remote, down, env);
  const again = await sync(src, remote, env);
  return { up, down: back, again };
}

/**
 * Runs the WebDAV figures against an instance at `url` where `user` (app password `password`) may
 * upload into `uploads/<user>`; `work` is a scratch folder, `port` free for the bare server.
 */
export async function measureWebdav({ url, user, password, work, port, log }) {
  const files = int('WEBDAV_BENCH_FILES', 1000);
  const src = join(work, 'webdav-src');
  await makePhotos(src, files);
  const obscured = (await run('rclone', ['obscure', password])).stdout.trim();
  const env = {
    ...process.env,
    ...remoteEnv('atrium', `${url}/webdav`, user, obscured),
    ...remoteEnv('bare', `http://127.0.0.1:${port}/`, user, obscured),
  };
  log(`webdav: ${files} photos; rclone between local folders, against rclone serve webdav, and against Atrium`);

  const local = await roundTrip(src, join(work, 'webdav-local'), join(work, 'webdav-local-down'), env);
  const server = await serveBare(join(work, 'webdav-bare'), port, user, password);
  let bare;
  try {
    bare = await roundTrip(src, 'bare:phone', join(work, 'webdav-bare-down'), env);
  } finally {
    server.kill();
  }
  const ours = await roundTrip(src, `atrium:uploads/${user}/phone`, join(work, 'webdav-down'), env);
  const returned = countFiles(join(work, 'webdav-down'));
  if (returned !== files) throw new Error(`WebDAV gave back ${returned} of ${files} files`);

  const rows = [];
  const steps = [
    ['up', `rclone sync up, ${files} photos over WebDAV (app password, content checked, hashed, indexed)`],
    ['down', `rclone sync down, ${files} photos over WebDAV`],
    ['again', 'second rclone sync up, nothing changed'],
  ];
  for (const [step, scenario] of steps) {
    const figure = step === 'again' ? ours[step] : files / ours[step];
    const unit = step === 'again' ? 's' : 'files/s';
    const of = (t) => (step === 'again' ? t[step] : files / t[step]);
    rows.push(
      { scenario, figure, unit, baseline: of(local), baselineName: 'local rclone sync', ratio: local[step] / ours[step], goal: 'report' },
      { scenario: `  the same against rclone serve webdav`, figure, unit, baseline: of(bare), baselineName: 'bare WebDAV server', ratio: bare[step] / ours[step], goal: 'report' },
    );
  }
  return rows;
}
