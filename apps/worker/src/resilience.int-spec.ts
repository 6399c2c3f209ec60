import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile, mediaJobId, type MediaJobCompleted } from '@atrium/media';
import { freePort, startRedis, type TestRedis } from '@atrium/testing';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeNoisePhoto, makeVideo, makeVideoBomb, tempDir } from '@atrium/media/testing';
import type { WorkerInstance } from './config.js';
import { buildWorkerDist, InstanceSide, instanceDirs, waitFor, WorkerProcess, workerEnv } from './test/harness.js';

// Short locks, so a job whose worker was killed is taken again within seconds.
const FAST_RECOVERY = { WORKER_LOCK_DURATION: '2s', WORKER_STALLED_INTERVAL: '1s', WORKER_SHUTDOWN_GRACE: '1s' };

const dir = tempDir('atrium-worker-');
const running: WorkerProcess[] = [];
let photos: Buffer[] = [];

beforeAll(async () => {
  buildWorkerDist();
  photos = await Promise.all(Array.from({ length: 16 }, (_, i) => makeNoisePhoto(2400 + i * 8, 1800)));
}, 120_000);
afterEach(async () => {
  for (const worker of running.splice(0)) {
    worker.kill('SIGKILL');
    await worker.exited;
  }
});
afterAll(() => dir.remove());

async function startWorker(instance: WorkerInstance, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const port = await freePort();
  const worker = new WorkerProcess(workerEnv([instance], port, { ...FAST_RECOVERY, ...extra }));
  running.push(worker);
  await waitFor('the worker to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${worker.output}`);
  });
  return worker;
}

/** Places every photo and enqueues tile and preview for each; returns the job ids. */
async function enqueuePhotos(side: InstanceSide): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, bytes] of photos.entries()) {
    const relPath = `photo-${i}.jpg`;
    writeFileSync(join(side.instance.originalsPath, relPath), bytes);
    const job = { assetId: `p${i}`, relPath, contentHash: await hashFile(join(side.instance.originalsPath, relPath)) };
    await side.enqueue({ ...job, kinds: ['thumb', 'preview'], metadata: false });
    ids.push(mediaJobId({ ...job, kinds: ['thumb', 'preview'] }));
  }
  return ids;
}

/** Every derivative under the cache decodes completely: nothing truncated was renamed into place. */
async function assertNoTruncatedOutput(cachePath: string): Promise<number> {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const finals = walk(cachePath).filter((f) => !f.endsWith('.tmp'));
  for (const file of finals.filter((f) => /\.(webp|jpg)$/.test(f))) await sharp(file, { failOn: 'truncated' }).raw().toBuffer();
  for (const file of finals.filter((f) => f.endsWith('.mp4'))) execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  return finals.length;
}

describe('a worker killed with SIGKILL in the middle of a batch', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startRedis({ appendOnly: true })));
  afterAll(() => redis?.stop());

  it('leaves no truncated output, and after a restart every job completes', async () => {
    const instance = instanceDirs(dir.path, 'killed', redis.url);
    const side = new InstanceSide(instance);
    await makeVideo(join(instance.originalsPath, 'clip.mkv'), { width: 640, height: 360, codec: 'mpeg4', container: 'matroska', seconds: 6, fps: 25, audio: true });
    const clip = { assetId: 'clip', relPath: 'clip.mkv', contentHash: await hashFile(join(instance.originalsPath, 'clip.mkv')) };
    const first = await startWorker(instance, { WORKER_CONCURRENCY_THUMBNAILS: '2' });
    await side.enqueue({ ...clip, kinds: ['video'], metadata: false });
    const ids = [...(await enqueuePhotos(side)), mediaJobId({ ...clip, kinds: ['video'] })];
    await waitFor('a few results', () => side.results.size >= 3, 60_000);
    const active = (await side.queues.thumbnails.getActiveCount()) + (await side.queues.video.getActiveCount());
    first.kill('SIGKILL');
    await first.exited;
    const before = side.results.size;
    expect(before).toBeLessThan(ids.length);
    expect(active).toBeGreaterThan(0);
    await assertNoTruncatedOutput(instance.cachePath);

    await startWorker(instance);
    const results = await side.waitForResults(ids, 120_000);
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'completed'));
    expect((results.at(-1) as MediaJobCompleted).playback).toBe('transcode');
    expect(await assertNoTruncatedOutput(instance.cachePath)).toBe(photos.length * 2 + 1);
    expect(await side.queues.thumbnails.getJobCounts('failed', 'waiting', 'active')).toEqual({ failed: 0, waiting: 0, active: 0 });
    await side.close();
  }, 240_000);
});

describe('Redis restarted in the middle of a batch', () => {
  it('loses no job and no result (append-only persistence)', async () => {
    const redis = await startRedis({ appendOnly: true });
    const instance = instanceDirs(dir.path, 'restarted', redis.url);
    const side = new InstanceSide(instance);
    await startWorker(instance, { WORKER_CONCURRENCY_THUMBNAILS: '1' });
    const ids = await enqueuePhotos(side);
    await waitFor('a first result', () => side.results.size >= 1, 60_000);
    const pending = ids.length - side.results.size;
    await redis.restart();
    expect(pending).toBeGreaterThan(0);
    const results = await side.waitForResults(ids, 180_000);
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'completed'));
    await side.close();
    await redis.stop();
  }, 240_000);
});

describe('SIGTERM', () => {
  it('hands a long transcode back to the queue instead of failing it, and exits', async () => {
    const redis = await startRedis({ appendOnly: true });
    const instance = instanceDirs(dir.path, 'stopped', redis.url);
    const side = new InstanceSide(instance);
    await makeVideoBomb(dir.path, join(instance.originalsPath, 'long.mkv'), 60);
    const clip = { assetId: 'long', relPath: 'long.mkv', contentHash: await hashFile(join(instance.originalsPath, 'long.mkv')) };
    const worker = await startWorker(instance);
    await side.enqueue({ ...clip, kinds: ['video'], metadata: false });
    const id = mediaJobId({ ...clip, kinds: ['video'] });
    await waitFor('the transcode to run', async () => (await side.queues.video.getJob(id))?.progress !== 0, 30_000);
    const stoppedAt = Date.now();
    worker.kill('SIGTERM');
    await worker.exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const job = await side.queues.video.getJob(id);
    expect([await job!.getState(), job!.attemptsMade, job!.failedReason ?? '']).toEqual([expect.stringMatching(/^(delayed|waiting)$/), 0, '']);
    expect(side.results.size).toBe(0);
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain('long.mkv');
    await side.close();
    await redis.stop();
  }, 120_000);
});
