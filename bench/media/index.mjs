// Media benchmarks (issue 5): thumbnails through queue + worker against a bare sharp loop, Immich's
// settings and ImageMagick; a 1080p transcode against the ffmpeg command line; the worker's memory
// under sustained load; the shared derivative store's saving for a second instance.
// Sizes: MEDIA_BENCH_PHOTOS (200 photos of 12 MP), MEDIA_BENCH_IM_PHOTOS (ImageMagick's share, 60),
// MEDIA_BENCH_SHARED_PHOTOS (1,000 photos of 3 MP), MEDIA_BENCH_CLIP_SECONDS (20).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The worker process runs compiled code: bring dist/ up to date first (incremental).
for (const project of ['libs/server', 'libs/testing', 'libs/media', 'apps/worker']) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--project', project, '--no-ui'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const sharp = (await import('sharp')).default;
const { parseProbe, resolveParams, transcodeArgs } = await import('@atrium/media');
const { bareSharp, ffmpegCli, imageMagick, immichReplay, inParallel } = await import('./baselines.mjs');
const { makeClip, makePhotos } = await import('./inputs.mjs');
const { cpuSeconds, instanceSide, makeInstance, memory, sampleRss, startWorker } = await import('./worker-run.mjs');

sharp.cache(false);
const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
const PHOTOS = int('MEDIA_BENCH_PHOTOS', 200);
const IM_PHOTOS = Math.min(PHOTOS, int('MEDIA_BENCH_IM_PHOTOS', 60));
const SHARED_PHOTOS = int('MEDIA_BENCH_SHARED_PHOTOS', 1000);
const CLIP_SECONDS = int('MEDIA_BENCH_CLIP_SECONDS', 20);
const THUMB_CONCURRENCY = 3;
const ROUNDS = 4;
const TRANSCODE_ROUNDS = 3;
const ownCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
// CPU of this process's finished children (ImageMagick runs), from /proc like the worker's.
const childrenCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};
const work = mkdtempSync(join(tmpdir(), 'atrium-bench-media-'));
const rows = [];
const log = (line) => console.log(`media: ${line}`);

try {
  log(`generating ${PHOTOS} photos of 12 MP, ${SHARED_PHOTOS} of 3 MP and a ${CLIP_SECONDS} s 1080p clip in ${work}`);
  const big = await makeInstance(work, 'family');
  const photos = await makePhotos(big.instance.originalsPath, PHOTOS, 4000, 3000);
  makeClip(join(big.instance.originalsPath, 'clip.mkv'), CLIP_SECONDS);

  // 1. Thumbnails per second: the worker (through Redis and BullMQ) against bare loops. The machine
  // is shared, so the contenders take turns on slices of the photos (A B C D, A B C D, …) and their
  // sums are compared; CPU time per photo is reported too, as it barely depends on the load.
  log('thumbnails: worker, bare sharp, Immich replay and ImageMagick, in turns');
  let worker = await startWorker([big.instance]);
  let side = await instanceSide(big.instance);
  const slices = (list) => Array.from({ length: ROUNDS }, (_, r) => list.filter((_, i) => i % ROUNDS === r));
  const photoSlices = slices(photos);
  const prepared = [];
  for (const slice of photoSlices) prepared.push(await side.prepare(slice, ['thumb', 'preview']));
  const imSlices = slices(photos.slice(0, IM_PHOTOS));
  const total = { worker: [0, 0], bare: [0, 0], immich: [0, 0], im: [0, 0] };
  const timed = async (key, cpuOf, fn) => {
    const cpu = cpuOf();
    const started = performance.now();
    await fn();
    total[key][0] += (performance.now() - started) / 1000;
    total[key][1] += cpuOf() - cpu;
  };
  const rss = sampleRss(worker.pid);
  for (let r = 0; r < ROUNDS; r++) {
    const paths = photoSlices[r].map((n) => join(big.instance.originalsPath, n));
    await timed('worker', () => cpuSeconds(worker.pid), async () => side.waitFor(await side.enqueue(prepared[r])));
    await timed('bare', ownCpu, () => inParallel(paths, THUMB_CONCURRENCY, (p) => bareSharp(p, join(work, 'bare', p.split('/').pop()))));
    await timed('immich', ownCpu, () => inParallel(paths, THUMB_CONCURRENCY, (p) => immichReplay(p, join(work, 'immich', p.split('/').pop()))));
    const imPaths = imSlices[r].map((n) => join(big.instance.originalsPath, n));
    await timed('im', childrenCpu, () => inParallel(imPaths, THUMB_CONCURRENCY, (p) => imageMagick(p, join(work, 'im', p.split('/').pop()))));
  }
  rss.stop();
  const thumbsPeak = memory(worker.pid).peak;
  await worker.stop();
  const rate = (key, n) => n / total[key][0];
  const cpuMs = (key, n) => (total[key][1] * 1000) / n;
  const baselines = [
    ['bare', PHOTOS, 'bare sharp loop, same parallelism', '≥ 0.9×', '≤ 1.1×'],
    ['immich', PHOTOS, "Immich's settings replayed with sharp", '> 1×', '< 1×'],
    ['im', IM_PHOTOS, `ImageMagick convert -thumbnail (${IM_PHOTOS} photos)`, '> 1×', '< 1×'],
  ];
  for (const [key, n, name, goal] of baselines) {
    rows.push({ scenario: `thumbnails, ${PHOTOS} × 12 MP, queue + worker`, figure: rate('worker', PHOTOS), unit: 'photos/s', baseline: rate(key, n), baselineName: name, ratio: rate('worker', PHOTOS) / rate(key, n), goal });
  }
  for (const [key, n, name, , goal] of baselines) {
    rows.push({ scenario: 'thumbnail CPU per photo, queue + worker', figure: cpuMs('worker', PHOTOS), unit: 'CPU ms', baseline: cpuMs(key, n), baselineName: name, ratio: cpuMs('worker', PHOTOS) / cpuMs(key, n), goal });
  }

  // 2. Transcode speed of the 1080p clip, as a multiple of real time, against the ffmpeg CLI
  // (taking turns, as above).
  log('transcode: worker and ffmpeg command line, in turns');
  const clipPath = join(big.instance.originalsPath, 'clip.mkv');
  const probeJson = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', clipPath], { encoding: 'utf8' }).stdout);
  const cliArgs = transcodeArgs(parseProbe(probeJson), resolveParams({}));
  worker = await startWorker([big.instance]);
  const clipJob = await side.prepare(['clip.mkv'], ['video']);
  let workerSeconds = 0;
  let cliSeconds = 0;
  for (let r = 0; r < TRANSCODE_ROUNDS; r++) {
    side.results.clear();
    const started = performance.now();
    await side.waitFor(await side.enqueue(clipJob));
    workerSeconds += (performance.now() - started) / 1000;
    cliSeconds += await ffmpegCli(clipPath, join(work, 'cli.mp4'), cliArgs);
  }
  await worker.stop();
  const workerSpeed = (CLIP_SECONDS * TRANSCODE_ROUNDS) / workerSeconds;
  const cliSpeed = (CLIP_SECONDS * TRANSCODE_ROUNDS) / cliSeconds;
  rows.push({ scenario: `transcode 1080p → 720p H.264, ${CLIP_SECONDS} s clip`, figure: workerSpeed, unit: '× real time', baseline: cliSpeed, baselineName: 'ffmpeg CLI, same arguments', ratio: workerSpeed / cliSpeed, goal: '≥ 0.95×' });

  // 3. Peak memory under sustained load at the default concurrency: every queue busy at once.
  log('sustained load: metadata, thumbnails and a transcode at once');
  rmSync(big.instance.cachePath, { recursive: true, force: true });
  worker = await startWorker([big.instance]);
  const idle = memory(worker.pid).rss;
  const load = [await side.prepare(['clip.mkv'], ['poster', 'thumb', 'video'], true), await side.prepare(photos, ['thumb', 'preview'], true)];
  const sustained = sampleRss(worker.pid);
  side.results.clear();
  const ids = [...(await side.enqueue(load[0])), ...(await side.enqueue(load[1]))];
  await side.waitFor(ids);
  sustained.stop();
  const peak = memory(worker.pid).peak;
  // Flat means the steady state does not creep: the second quarter (past the ramp-up) against the last.
  const q = Math.floor(sustained.samples.length / 4);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const secondQuarter = median(sustained.samples.slice(q, 2 * q));
  const lastQuarter = median(sustained.samples.slice(-q));
  await worker.stop();
  await side.close();
  rows.push({ scenario: 'worker peak RSS, sustained load (default concurrency)', figure: peak, unit: 'MiB', baseline: idle, baselineName: 'the same worker idle', ratio: peak / idle, goal: '< 500 MiB' });
  rows.push({ scenario: 'worker RSS, last quarter of the load (median)', figure: lastQuarter, unit: 'MiB', baseline: secondQuarter, baselineName: 'second quarter (median)', ratio: lastQuarter / secondQuarter, goal: 'flat (≈ 1×)' });
  rows.push({ scenario: 'worker peak RSS, thumbnails only (run 1)', figure: thumbsPeak, unit: 'MiB', goal: '< 500 MiB' });
  await big.redis.stop();

  // 4. Shared derivative store: CPU time of a second instance indexing the same photos.
  log(`shared store: two instances index the same ${SHARED_PHOTOS} photos`);
  const first = await makeInstance(work, 'studio');
  const second = await makeInstance(work, 'club');
  const names = await makePhotos(first.instance.originalsPath, SHARED_PHOTOS, 2000, 1500, 20);
  for (const n of names) copyFileSync(join(first.instance.originalsPath, n), join(second.instance.originalsPath, n));
  worker = await startWorker([first.instance, second.instance], { ATRIUM_SHARED_DERIVATIVES_PATH: join(work, 'shared') });
  const cpu = [];
  for (const { instance } of [first, second]) {
    const s = await instanceSide(instance);
    const jobs = await s.prepare(names, ['thumb', 'preview'], true);
    const before = cpuSeconds(worker.pid);
    await s.waitFor(await s.enqueue(jobs));
    cpu.push(cpuSeconds(worker.pid) - before);
    await s.close();
  }
  await worker.stop();
  await Promise.all([first.redis.stop(), second.redis.stop()]);
  rows.push({ scenario: `shared store, ${SHARED_PHOTOS} × 3 MP: 2nd instance worker CPU`, figure: cpu[1], unit: 'CPU s', baseline: cpu[0], baselineName: 'first instance', ratio: cpu[1] / cpu[0], goal: '≤ 0.1×' });
} finally {
  rmSync(work, { recursive: true, force: true });
}

report('media', rows);
