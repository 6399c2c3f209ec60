// Transfer benchmarks (issue 15): tus uploads of TRANSFER_PHOTOS (20) photos of 12 MP and one video
// of TRANSFER_VIDEO_MB (256 MB) against `cp` of the same files on the same disk, and a zip of them
// (/api/downloads/folder) against `zip -0`; peak RSS of the process serving them. Scaled down from
// the 200 photos, a 2 GB video and a 5 GB album: the machine is shared.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { startBareUploadServer } from './bare-upload.mjs';

const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;

async function makeFiles(dir, photos, videoMb) {
  mkdirSync(dir, { recursive: true });
  const width = 4000;
  const height = 3000;
  for (let i = 0; i < photos; i++) {
    // Noise compresses like a real photo does not: a few MB per 12 MP frame, as cameras write.
    const pixels = Buffer.alloc(width * 100 * 3);
    for (let j = 0; j < pixels.length; j++) pixels[j] = (Math.random() * 256) | 0;
    const strip = await sharp(pixels, { raw: { width, height: 100, channels: 3 } }).png().toBuffer();
    const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: i * 9, g: 90, b: 200 } } })
      .composite([...Array(30).keys()].map((k) => ({ input: strip, top: k * 100, left: 0 })))
      .jpeg({ quality: 85 })
      .toBuffer();
    writeFileSync(join(dir, `photo-${String(i).padStart(3, '0')}.jpg`), jpeg);
  }
  const video = join(dir, 'video.mp4');
  const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', video]);
  if (ffmpeg.status !== 0) throw new Error('ffmpeg failed');
  // Padded to size after the real MP4 (players ignore trailing bytes; the upload checks read the head).
  const chunk = Buffer.alloc(1 << 20, 7);
  for (let mb = 0; mb < videoMb; mb++) appendFileSync(video, chunk);
  return readdirSync(dir).map((name) => join(dir, name));
}

/** Uploads `files` through the tus client in its own process (the server answering in this one). */
async function runClient(target, files, concurrency, chunkMb) {
  const options = { ...target, files, concurrency, chunkBytes: chunkMb << 20 };
  const client = spawn(process.execPath, [fileURLToPath(new URL('./tus-client.mjs', import.meta.url)), JSON.stringify(options)]);
  let out = '';
  let err = '';
  client.stdout.on('data', (c) => (out += c));
  client.stderr.on('data', (c) => (err += c));
  const status = await new Promise((resolve) => client.on('close', resolve));
  const result = status === 0 ? JSON.parse(out) : { failures: [err] };
  if (result.failures.length) throw new Error(`uploads failed: ${result.failures.slice(0, 3).join('; ')}`);
}

/** CPU seconds used so far by this process (the instance, or the bare server, answering in it). */
const ownCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** CPU seconds used so far by this process's waited-for children (cp, zip), from /proc. */
function childrenCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // utime is field 14 of stat, so cutime and cstime (16, 17) are 13 and 14 after the name.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function sampleRss() {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(timer);
    return { start, peak };
  };
}

/** Runs the transfer figures against an instance listening at `url` with a signed-in `cookie`. */
export async function measureTransfer({ url, cookie, work, log }) {
  const photos = int('TRANSFER_PHOTOS', 20);
  const videoMb = int('TRANSFER_VIDEO_MB', 256);
  const concurrency = int('TRANSFER_CONCURRENCY', 6);
  const chunkMb = int('TRANSFER_CHUNK_MB', 16);
  const files = await makeFiles(join(work, 'transfer-src'), photos, videoMb);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  log(`transfer: ${files.length} files, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  spawnSync('sync');
  let t = performance.now();
  const cp = spawnSync('cp', ['-r', join(work, 'transfer-src'), join(work, 'transfer-cp')]);
  if (cp.status !== 0) throw new Error('cp failed');
  spawnSync('sync');
  const cpS = (performance.now() - t) / 1000;
  mkdirSync(join(work, 'transfer-bare'));
  const bare = await startBareUploadServer(join(work, 'transfer-bare'));
  t = performance.now();
  let cpu = ownCpu();
  await runClient(bare, files, concurrency, chunkMb);
  const bareS = (performance.now() - t) / 1000;
  const bareCpu = ownCpu() - cpu;
  await bare.close();
  let rss = sampleRss();
  t = performance.now();
  cpu = ownCpu();
  await runClient({ url, path: '/api/uploads', cookie }, files, concurrency, chunkMb);
  const tusS = (performance.now() - t) / 1000;
  const tusCpu = ownCpu() - cpu;
  const upRss = rss();
  spawnSync('sync');
  t = performance.now();
  cpu = childrenCpu();
  const zip = spawnSync('zip', ['-0', '-q', '-r', join(work, 'baseline.zip'), '.'], { cwd: join(work, 'transfer-src') });
  if (zip.status !== 0) throw new Error('zip failed (install zip)');
  const zipS = (performance.now() - t) / 1000;
  const zipCpu = childrenCpu() - cpu;
  rss = sampleRss();
  t = performance.now();
  cpu = ownCpu();
  // curl, in its own process as zip is: the client's work is not the server's.
  const download = spawn('curl', ['-sf', '-o', join(work, 'atrium.zip'), '-H', `cookie: ${cookie}`, new URL('/api/downloads/folder?path=bench', url).href]);
  const curl = await new Promise((resolve) => download.on('close', resolve));
  if (curl !== 0) throw new Error(`zip download failed (curl exit ${curl})`);
  const oursS = (performance.now() - t) / 1000;
  const oursCpu = ownCpu() - cpu;
  const zipRss = rss();
  const mbps = (s) => bytes / 2 ** 20 / s;
  const mib = (n) => n / 2 ** 20;
  const perGib = (seconds) => seconds / (bytes / 2 ** 30);
  return [
    {
      scenario: `tus upload, ${photos} × 12 MP + ${videoMb} MB video, ${concurrency} at once in ${chunkMb} MiB PATCHes (checked, hashed, fsynced, linked, queued)`,
      figure: mbps(tusS),
      unit: 'MiB/s',
      baseline: mbps(cpS),
      baselineName: 'cp -r + sync',
      ratio: cpS / tusS,
      goal: '≥ 0.8×',
    },
    {
      scenario: 'the same upload against a bare node:http upload server (what HTTP costs)',
      figure: mbps(tusS),
      unit: 'MiB/s',
      baseline: mbps(bareS),
      baselineName: 'bare POST + PATCH + fsync',
      ratio: bareS / tusS,
      goal: 'diagnostic',
    },
    {
      // CPU, unlike time, hardly depends on what else the shared machine runs.
      scenario: 'tus upload: CPU of the process serving it, per GiB',
      figure: perGib(tusCpu),
      unit: 's/GiB',
      baseline: perGib(bareCpu),
      baselineName: 'bare server',
      ratio: tusCpu / bareCpu,
      goal: 'diagnostic',
    },
    { scenario: 'tus upload: peak RSS growth of the instance process', figure: mib(upRss.peak - upRss.start), unit: 'MiB' },
    {
      scenario: 'zip of the folder, streamed over HTTP to a file (curl)',
      figure: mbps(oursS),
      unit: 'MiB/s',
      baseline: mbps(zipS),
      baselineName: 'zip -0',
      ratio: zipS / oursS,
      goal: '≥ 0.8×',
    },
    {
      scenario: 'zip: CPU of the process serving it, per GiB',
      figure: perGib(oursCpu),
      unit: 's/GiB',
      baseline: perGib(zipCpu),
      baselineName: 'zip -0',
      ratio: oursCpu / zipCpu,
      goal: 'diagnostic',
    },
    // The instance runs inside the benchmark's process, next to the photos it generated: growth is its share.
    { scenario: 'zip: peak RSS growth of the instance process', figure: mib(zipRss.peak - zipRss.start), unit: 'MiB', goal: '< 300 MiB' },
  ];
}
