import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError, mediaJobId, queuePrefix } from '@atrium/media';
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
