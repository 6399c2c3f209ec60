import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@atrium/server';
import { derivativeRelPath, hashFile, mediaJobId, type MediaJobCompleted, type MediaJobFailed } from '@atrium/media';
import { freePort, startRedis, type TestRedis } from '@atrium/testing';
import { QueueEvents } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNoisePhoto, makePhoto, makePixelBombPng, makeVideo, tempDir } from '@atrium/media/testing';
import { WorkerModule } from './app.module.js';
import { loadWorkerConfig, type WorkerInstance } from './config.js';
import { InstanceSide, instanceDirs, waitFor } from './test/harness.js';

const dir = tempDir('atrium-worker-');
let shared: TestRedis;
let own: TestRedis;
let app: INestApplication;
let base: string;
let family: InstanceSide;
let studio: InstanceSide;
let club: InstanceSide;

/** Places an original in an instance and returns what the instance would enqueue for it. */
async function place(side: InstanceSide, name: string, bytes: Buffer) {
  const path = join(side.instance.originalsPath, name);
  writeFileSync(path, bytes);
  return { assetId: name.replace(/\W/g, '-'), relPath: name, contentHash: await hashFile(path) };
}

beforeAll(async () => {
  // family and studio share one Redis (their prefixes keep them apart); club has its own.
  [shared, own] = await Promise.all([startRedis(), startRedis()]);
  const instances: WorkerInstance[] = [
    instanceDirs(dir.path, 'family', shared.url),
    instanceDirs(dir.path, 'studio', shared.url),
    instanceDirs(dir.path, 'club', own.url),
  ];
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify(instances), WORKER_PORT: String(port), PATH: process.env.PATH, WORKER_TRANSCODE_TIMEOUT: '20s' });
  app = await bootstrapApp(WorkerModule.forRoot(config), { port, host: '127.0.0.1', logLevels: ['error'] });
  [family, studio, club] = instances.map((i) => new InstanceSide(i));
}, 60_000);

afterAll(async () => {
  await Promise.all([family, studio, club].map((s) => s?.close()));
  await app?.close();
  await Promise.all([shared?.stop(), own?.stop()]);
  dir.remove();
});

describe('the worker on real Redis', () => {
  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, (await ready.json()).checks]).toEqual([200, { 'redis:family': 'ok', 'redis:studio': 'ok', 'redis:club': 'ok' }]);
  });

  it('turns a photo and a phone video into every derivative and their metadata, reported on results', async () => {
    const photo = await place(family, 'IMG_1.jpg', await makePhoto({ width: 2000, height: 1500, orientation: 6, exif: { make: 'Apple', dateTimeOriginal: '2024:05:01 12:34:56', offsetTimeOriginal: '+02:00' } }));
    await makeVideo(join(family.instance.originalsPath, 'clip.mov'), { width: 320, height: 240, codec: 'libx265', audio: true, container: 'mov', rotation: 90, metadata: { location: '+48.8584+002.2945/' } });
    const clip = { assetId: 'clip', relPath: 'clip.mov', contentHash: await hashFile(join(family.instance.originalsPath, 'clip.mov')) };
    await family.enqueue({ ...photo, kinds: ['thumb', 'preview'] });
    await family.enqueue({ ...clip, kinds: ['thumb', 'preview', 'poster', 'video'] });
    const ids = [
      mediaJobId({ ...photo, kinds: [] }),
      mediaJobId({ ...photo, kinds: ['thumb', 'preview'] }),
      mediaJobId({ ...clip, kinds: [] }),
      mediaJobId({ ...clip, kinds: ['thumb', 'preview', 'poster'] }),
      mediaJobId({ ...clip, kinds: ['video'] }),
    ];
    const [photoMeta, photoThumbs, clipMeta, clipThumbs, clipVideo] = (await family.waitForResults(ids)) as MediaJobCompleted[];
    expect([photoMeta, photoThumbs, clipMeta, clipThumbs, clipVideo].map((r) => r.status)).toEqual(Array(5).fill('completed'));
    expect(photoMeta.metadata).toMatchObject({ width: 1500, height: 2000, orientation: 6, make: 'Apple', takenAt: '2024-05-01T10:34:56.000Z', timeZone: '+02:00' });
    expect(photoThumbs).toMatchObject({ width: 1500, height: 2000, outputs: { thumb: derivativeRelPath(photo.contentHash, 'thumb'), preview: derivativeRelPath(photo.contentHash, 'preview') } });
    expect(photoThumbs.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(clipMeta.metadata).toMatchObject({ width: 240, height: 320, gps: { latitude: 48.8584, longitude: 2.2945 }, video: { videoCodec: 'hevc', rotation: 90 } });
    expect(Object.keys(clipThumbs.outputs).sort()).toEqual(['poster', 'preview', 'thumb']);
    expect([clipVideo.playback, clipVideo.outputs.video]).toEqual(['transcode', derivativeRelPath(clip.contentHash, 'video')]);
    for (const result of [photoThumbs, clipThumbs, clipVideo]) {
      for (const rel of Object.values(result.outputs)) expect(existsSync(join(family.instance.cachePath, rel))).toBe(true);
    }
    const thumb = await sharp(join(family.instance.cachePath, photoThumbs.outputs.thumb!)).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 250, 333]);
    // Completed jobs are removed, so a cleared cache can be rebuilt by enqueueing again.
    expect(await family.queues.thumbnails.getJobCounts('completed', 'waiting', 'active')).toEqual({ completed: 0, waiting: 0, active: 0 });
  });

  it('reports transcode progress', async () => {
    await makeVideo(join(club.instance.originalsPath, 'long.mkv'), { width: 640, height: 360, codec: 'mpeg4', container: 'matroska', seconds: 8, fps: 25 });
    const clip = { assetId: 'long', relPath: 'long.mkv', contentHash: await hashFile(join(club.instance.originalsPath, 'long.mkv')) };
    const events = new QueueEvents('video', { connection: { url: own.url }, prefix: 'atrium-club' });
    await events.waitUntilReady();
    const progress: number[] = [];
    events.on('progress', ({ data }) => progress.push(Number(data)));
    await club.enqueue({ ...clip, kinds: ['video'], metadata: false });
    const [result] = await club.waitForResults([mediaJobId({ ...clip, kinds: ['video'] })]);
    await events.close();
    expect(result!.status).toBe('completed');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p >= 0 && p <= 100)).toBe(true);
  });

  it('rebuilds a cleared cache when the same job is enqueued again', async () => {
    const photo = await place(family, 'again.jpg', await makeNoisePhoto(800, 600));
    const id = mediaJobId({ ...photo, kinds: ['thumb'] });
    await family.enqueue({ ...photo, kinds: ['thumb'], metadata: false });
    await family.waitForResults([id]);
    rmSync(join(family.instance.cachePath, 'derivatives'), { recursive: true });
    family.results.delete(id);
    await family.enqueue({ ...photo, kinds: ['thumb'], metadata: false });
    await family.waitForResults([id]);
    expect(existsSync(join(family.instance.cachePath, derivativeRelPath(photo.contentHash, 'thumb')))).toBe(true);
  });

  it('records hostile inputs as failures with their reason, keeps the failed jobs, and stays up', async () => {
    const photo = await makeNoisePhoto(1000, 800);
    const cases = [
      ['truncated.jpg', photo.subarray(0, photo.length >> 1), 'corrupt'],
      ['garbage.jpg', Buffer.from('not an image at all, just text'), 'unsupported'],
      ['bomb.png', makePixelBombPng(20_000, 20_000), 'pixel_bomb'],
    ] as const;
    const ids: string[] = [];
    for (const [name, bytes] of cases) {
      const job = await place(studio, name, bytes);
      await studio.enqueue({ ...job, kinds: ['thumb'], metadata: false });
      ids.push(mediaJobId({ ...job, kinds: ['thumb'] }));
    }
    const results = (await studio.waitForResults(ids)) as MediaJobFailed[];
    expect(results.map((r) => [r.status, r.reason])).toEqual(cases.map(([, , reason]) => ['failed', reason]));
    const failed = await studio.queues.thumbnails.getFailed();
    expect(failed.map((j) => j.failedReason.split(':')[0]).sort()).toEqual(['corrupt', 'pixel_bomb', 'unsupported']);
    expect(failed.every((j) => j.attemptsMade === 1)).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const good = await place(studio, 'good.jpg', photo);
    await studio.enqueue({ ...good, kinds: ['thumb'], metadata: false });
    const [after] = await studio.waitForResults([mediaJobId({ ...good, kinds: ['thumb'] })]);
    expect(after!.status).toBe('completed');
  });

  it('refuses a payload added behind the helper’s back, on processing', async () => {
    const bad = { assetId: 'evil', relPath: '../../etc/passwd', contentHash: 'a'.repeat(64), kinds: [], params: {} };
    await family.queues.metadata.add('metadata', bad, { jobId: 'evil-metadata' });
    await family.queues.metadata.add('metadata', { assetId: 'x:y' }, { jobId: 'junk-metadata' });
    const [escape, junk] = (await family.waitForResults(['evil-metadata', 'junk-metadata'])) as MediaJobFailed[];
    expect([escape!.reason, junk!.reason]).toEqual(['forbidden_path', 'invalid_payload']);
  });

  it('keeps instances apart: each worker reads only its own queues, originals and cache', async () => {
    const mine = await place(studio, 'studio-only.jpg', await makeNoisePhoto(400, 300));
    const clubPhoto = await place(club, 'club-only.jpg', await makeNoisePhoto(400, 300));
    // family is asked for a file only studio has: family's worker looks in family's originals.
    await family.enqueue({ ...mine, kinds: ['thumb'], metadata: false });
    await studio.enqueue({ ...mine, kinds: ['thumb'], metadata: false });
    await club.enqueue({ ...clubPhoto, kinds: ['thumb'], metadata: false });
    const id = mediaJobId({ ...mine, kinds: ['thumb'] });
    const [onFamily] = (await family.waitForResults([id])) as MediaJobFailed[];
    const [onStudio] = await studio.waitForResults([id]);
    await club.waitForResults([mediaJobId({ ...clubPhoto, kinds: ['thumb'] })]);
    expect([onFamily!.status, onFamily!.reason, onStudio!.status]).toEqual(['failed', 'missing', 'completed']);
    expect(existsSync(join(studio.instance.cachePath, derivativeRelPath(mine.contentHash, 'thumb')))).toBe(true);
    expect(existsSync(join(family.instance.cachePath, derivativeRelPath(mine.contentHash, 'thumb')))).toBe(false);
    for (const side of [family, studio, club]) {
      const foreign = [...side.results.values()].filter((r) => !existsSync(join(side.instance.originalsPath, r.relPath)) && r.status === 'completed');
      expect(foreign).toEqual([]);
    }
    const keys = await family.connection.keys('*');
    expect(keys.every((k) => k.startsWith('atrium-family:') || k.startsWith('atrium-studio:'))).toBe(true);
    expect((await club.connection.keys('*')).every((k) => k.startsWith('atrium-club:'))).toBe(true);
  });

  it('exposes queue depth, job durations, failures and memory on /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/atrium_worker_queue_jobs\{[^}]*instance="studio"[^}]*queue="thumbnails"[^}]*state="failed"[^}]*\} [1-9]/);
    expect(text).toMatch(/atrium_worker_job_duration_seconds_count\{[^}]*instance="family"[^}]*queue="thumbnails"[^}]*outcome="completed"[^}]*\} [1-9]/);
    expect(text).toMatch(/atrium_worker_jobs_total\{[^}]*outcome="failed"[^}]*reason="pixel_bomb"[^}]*\} 1/);
    expect(text).toMatch(/process_resident_memory_bytes\{[^}]*\} \d+/);
  });

  it('leaves no temporary file behind in the cache', async () => {
    await waitFor('idle queues', async () => (await family.queues.video.getJobCounts('active', 'waiting')).active === 0);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
    for (const side of [family, studio, club]) expect(walk(side.instance.cachePath).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
