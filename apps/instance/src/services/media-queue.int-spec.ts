import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMediaError, mediaJobId, queuePrefix } from '@atrium/media';
import { startRedis, type TestRedis } from '@atrium/testing';
import type { MediaQueues as MediaQueuesClass } from './media-queue.js';

// MediaQueues as compiled code runs it (the server, `atrium instance index`): bulk adds go through
// its worker thread, whose script exists only in dist/.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const HASH = 'c'.repeat(64);

let redis: TestRedis;
let compiled: { MediaQueues: typeof MediaQueuesClass; jobThreadAvailable: () => boolean };
let queues: MediaQueuesClass;
let inspect: Record<'metadata' | 'thumbnails' | 'video', Queue>;

beforeAll(async () => {
  for (const project of ['libs/media', 'apps/instance']) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--project', project, '--no-ui'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`build of ${project} failed: ${r.stderr}`);
  }
  redis = await startRedis();
  compiled = await import(pathToFileURL(join(ROOT, 'apps/instance/dist/services/media-queue.js')).href);
  queues = new compiled.MediaQueues(redis.url, 'family');
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

describe('MediaQueues on its worker thread', () => {
  it('adds validated jobs with ids from asset, kinds and hash, once each', async () => {
    expect(compiled.jobThreadAvailable()).toBe(true);
    expect(queues.threaded).toBe(true);
    const photo = { assetId: randomUUID(), relPath: '2024/a.jpg', contentHash: HASH, kinds: ['thumb', 'preview'] as const };
    const clip = { assetId: randomUUID(), relPath: 'clips/b.mp4', contentHash: HASH, kinds: ['thumb', 'preview', 'poster', 'video'] as const };
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
    expect((await waiting('video')).map((j) => [j.data.assetId, j.data.kinds])).toEqual([[clip.assetId, ['video']]]);
  });

  it('refuses a whole batch when one payload is bad, with libs/media\'s reason', async () => {
    const good = { assetId: randomUUID(), relPath: 'ok.jpg', contentHash: HASH, kinds: ['thumb'] as const };
    const bad = { ...good, assetId: randomUUID(), relPath: '../etc/passwd' };
    const before = (await waiting('metadata')).length;
    const error = await queues.addNew([good, bad]).catch((e: unknown) => e);
    expect(isMediaError(error, 'forbidden_path')).toBe(true);
    expect(await waiting('metadata')).toHaveLength(before);
    // The thread goes on serving after a refusal.
    expect(await queues.addNew([good])).toBe(2);
  });
});
