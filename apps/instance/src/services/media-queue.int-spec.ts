import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError, mediaJobId, queuePrefix, type DerivativeParams } from '@atrium/media';
import { withRequestId } from '@atrium/server';
import { startRedis, type TestRedis } from '@atrium/testing';
import { MediaQueues } from './media-queue.js';

// Indexing's bulk adds against a real Redis, read back as a worker would see them.
const HASH = 'c'.repeat(64);

let redis: TestRedis;
let queues: MediaQueues;
let inspect: Record<'metadata' | 'thumbnails' | 'video', Queue>;

beforeAll(async () => {
  redis = await startRedis();
  queues = new MediaQueues(redis.url, 'family');
  inspect = Object.fromEntries(
    (['metadata', 'thumbnails', 'video'] as const).map((name) => [
      name,
      new Queue(name, { connection: { url: redis.url }, prefix: queuePrefix('family') }),
    ]),
  ) as typeof inspect;
});

afterAll(async () => {
  await Promise.all(Object.values(inspect ?? {}).map((q) => q.close()));
  await queues?.close();
  await redis?.stop();
});

const waiting = async (name: keyof typeof inspect) =>
  (await inspect[name].getJobs(['waiting', 'prioritized'])).sort((a, b) => (a.id! < b.id! ? -1 : 1));

describe('MediaQueues.addNew', () => {
  it('adds validated jobs with ids from asset, kinds and hash, once each', async () => {
    const photo = {
      assetId: randomUUID(),
      relPath: '2024/a.jpg',
      contentHash: HASH,
      kinds: ['thumb', 'preview'] as const,
    };
    const clip = {
      assetId: randomUUID(),
      relPath: 'clips/b.mp4',
      contentHash: HASH,
      kinds: ['thumb', 'preview', 'poster', 'video'] as const,
    };
    expect(await queues.addNew([photo, clip])).toBe(2 + 3);
    expect(await queues.addNew([photo])).toBe(2);
    const thumbnails = await waiting('thumbnails');
    expect(thumbnails).toHaveLength(2);
    for (const job of thumbnails) {
      expect(job.id).toBe(mediaJobId(job.data));
      expect(job.id).not.toContain(':');
      expect(Object.keys(job.data).sort()).toEqual(['assetId', 'contentHash', 'kinds', 'params', 'relPath']);
      expect(job.opts).toMatchObject({ removeOnComplete: true, removeOnFail: false });
    }
    expect((await waiting('metadata')).map((j) => j.data.kinds)).toEqual([[], []]);
    expect((await waiting('video')).map((j) => [j.data.assetId, j.data.kinds])).toEqual([
      [clip.assetId, ['video']],
    ]);
  });

  it('carries the id of the request being served into every payload it queues', async () => {
    const asset = { assetId: randomUUID(), relPath: '2024/r.jpg', contentHash: 'd'.repeat(64), kinds: ['thumb'] as const };
    await withRequestId('edge-7.req', () => queues.addNew([asset]));
    const queued = (await waiting('metadata')).find((j) => j.data.assetId === asset.assetId)!;
    expect(queued.data.requestId).toBe('edge-7.req');
    const again = { ...asset, assetId: randomUUID() };
    await withRequestId('edge-8.req', () => queues.requeue(again));
    expect((await waiting('thumbnails')).find((j) => j.data.assetId === again.assetId)!.data.requestId).toBe('edge-8.req');
  });

  it("refuses a whole batch when one payload is bad, with libs/media's reason", async () => {
    const good = { assetId: randomUUID(), relPath: 'ok.jpg', contentHash: HASH, kinds: ['thumb'] as const };
    const bad = { ...good, assetId: randomUUID(), relPath: '../etc/passwd' };
    const before = (await waiting('metadata')).length;
    const error = await queues.addNew([good, bad]).catch((e: unknown) => e);
    expect(isMediaError(error, 'forbidden_path')).toBe(true);
    expect(await waiting('metadata')).toHaveLength(before);
    // The queues go on serving after a refusal.
    expect(await queues.addNew([good])).toBe(2);
  });
});

describe("the library's derivative settings in every job", () => {
  // A node of its own, and a stand-in worker on its thumbnails queue that fails or holds jobs on cue.
  let settings: DerivativeParams = {};
  let derive: MediaQueues;
  let thumbnails: Queue;
  let worker: Worker | undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const photo = { assetId: randomUUID(), relPath: 'p/a.jpg', contentHash: HASH, kinds: ['thumb', 'preview'] as const };
  const jobOf = async (assetId: string) =>
    (await thumbnails.getJobs(['waiting', 'failed', 'active', 'completed'])).filter((j) => j.data.assetId === assetId);

  beforeAll(() => {
    derive = new MediaQueues(redis.url, 'derive', () => Promise.resolve(settings));
    thumbnails = new Queue('thumbnails', { connection: { url: redis.url }, prefix: queuePrefix('derive') });
  });
  afterAll(async () => {
    release();
    await worker?.close();
    await thumbnails?.close();
    await derive?.close();
  });

  it('fills the current settings into requests that name none, and keeps those that do', async () => {
    settings = { thumbSize: 400 };
    const own = { ...photo, assetId: randomUUID(), params: { thumbSize: 64 } };
    expect(await derive.addNew([{ ...photo, metadata: false }, { ...own, metadata: false }])).toBe(2);
    expect((await jobOf(photo.assetId)).map((j) => j.data.params)).toEqual([{ thumbSize: 400 }]);
    expect((await jobOf(own.assetId)).map((j) => j.data.params)).toEqual([{ thumbSize: 64 }]);
  });

  it('leaves a job waiting with the same settings, and replaces one waiting with other settings', async () => {
    expect(await derive.replace([{ ...photo, metadata: false }])).toEqual({ queued: 0, waiting: 1, busy: 0 });
    settings = { thumbSize: 500, previewFormat: 'webp' };
    expect(await derive.replace([{ ...photo, metadata: false }])).toEqual({ queued: 1, waiting: 0, busy: 0 });
    expect((await jobOf(photo.assetId)).map((j) => j.data.params)).toEqual([{ thumbSize: 500, previewFormat: 'webp' }]);
  });

  it('replaces failed and finished jobs, and leaves a running one with other settings to finish', async () => {
    await thumbnails.drain();
    const failing = { assetId: randomUUID(), relPath: 'p/fail.jpg', contentHash: 'e'.repeat(64), kinds: ['thumb'] as const, metadata: false };
    const blocking = { assetId: randomUUID(), relPath: 'p/block.jpg', contentHash: 'f'.repeat(64), kinds: ['thumb'] as const, metadata: false };
    const done = { assetId: randomUUID(), relPath: 'p/done.jpg', contentHash: 'a'.repeat(64), kinds: ['thumb'] as const, metadata: false };
    const finished: string[] = [];
    worker = new Worker(
      'thumbnails',
      async (job) => {
        if (job.data.relPath === 'p/fail.jpg') throw new UnrecoverableError('decode_failed');
        if (job.data.relPath === 'p/block.jpg') await held;
        finished.push(job.data.relPath as string);
      },
      { connection: { url: redis.url }, prefix: queuePrefix('derive'), concurrency: 4 },
    );
    expect((await derive.replace([failing, blocking, done])).queued).toBe(3);
    await until(async () => (await jobOf(failing.assetId))[0]?.failedReason === 'decode_failed');
    await until(async () => finished.includes('p/done.jpg') && (await jobOf(blocking.assetId))[0]?.processedOn !== undefined);
    settings = { thumbSize: 600 };
    expect(await derive.replace([failing, blocking, done])).toEqual({ queued: 2, waiting: 0, busy: 1 });
    release();
    await until(async () => finished.filter((p) => p === 'p/done.jpg').length === 2);
    expect(finished.filter((p) => p === 'p/block.jpg')).toHaveLength(1);
  });
});

async function until(probe: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
