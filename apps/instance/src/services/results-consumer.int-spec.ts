import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_QUEUE, derivativeRelPath, queuePrefix } from '@atrium/media';
import { InstanceHarness } from '../test/instance.js';
import { insertAsset } from '../test/library.js';
import { writeJpeg, writeVideo } from '../test/originals.js';
import { WorkerProcess, buildWorkerDist } from '../test/worker.js';
import { LibraryIndexService } from './library-index.service.js';

let instance: InstanceHarness;
let db: DataSource;
let results: Queue;

beforeAll(async () => {
  buildWorkerDist();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  results = new Queue(RESULTS_QUEUE, {
    connection: { url: instance.redis.url },
    prefix: queuePrefix('family'),
  });
});

afterAll(async () => {
  await results?.close();
  await instance?.stop();
});

interface AssetRow {
  path: string;
  derivatives: Record<string, string>;
  placeholder: string | null;
  taken_at: Date;
  width: number;
  height: number;
  playback: string | null;
  has_metadata: boolean;
  content_hash: string;
}

async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('derivatives and metadata from the worker', () => {
  it('writes what the worker reports as it finishes each job', async () => {
    const originals = instance.config.originalsPath;
    await writeJpeg(originals, 'trip/beach.jpg', 1, '2021:05:04 10:20:30');
    await writeVideo(originals, 'trip/clip.mp4');
    const service = instance.app.get(LibraryIndexService);
    await service.start({ rescan: false, requestedBy: null });
    await service.settled();
    const [before] = await db.query("SELECT derivatives FROM assets WHERE path = 'trip/beach.jpg'");
    expect(before.derivatives).toEqual({});

    const worker = new WorkerProcess({
      WORKER_PORT: '0',
      WORKER_INSTANCES: JSON.stringify([
        {
          name: 'family',
          redisUrl: instance.redis.url,
          originalsPath: originals,
          cachePath: instance.config.cachePath,
        },
      ]),
    });
    try {
      const rows = await until(
        async () => {
          const found = (await db.query(
            'SELECT path, derivatives, placeholder, taken_at, width, height, playback, metadata IS NOT NULL AS has_metadata, content_hash FROM assets ORDER BY path',
          )) as Array<AssetRow>;
          const done = found.every(
            (r) => r.has_metadata && r.derivatives.thumb && (r.path.endsWith('.jpg') || r.playback),
          );
          return done && found;
        },
        90_000,
        `derivatives (worker output: ${worker.output.slice(-400)})`,
      );
      const [photo, video] = rows;
      expect(photo).toMatchObject({ path: 'trip/beach.jpg', width: 64 + 1, height: 48 });
      expect(photo!.taken_at.toISOString()).toBe('2021-05-04T10:20:30.000Z');
      expect(photo!.placeholder).toEqual(expect.any(String));
      expect(photo!.derivatives).toEqual({
        thumb: derivativeRelPath(photo!.content_hash, 'thumb'),
        preview: derivativeRelPath(photo!.content_hash, 'preview'),
      });
      expect(video!.derivatives.poster).toBe(derivativeRelPath(video!.content_hash, 'poster'));
      expect(['original', 'remux', 'transcode']).toContain(video!.playback);
      for (const path of Object.values(photo!.derivatives) as string[])
        expect((await stat(join(instance.config.cachePath, path))).size).toBeGreaterThan(0);
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
    }
  });
});

describe('hostile reports on the results queue', () => {
  const hash = 'c'.repeat(64);
  const base = {
    version: 1,
    queue: 'thumbnails',
    attempts: 1,
    finishedAt: new Date().toISOString(),
    relPath: 'x.jpg',
    contentHash: hash,
  };

  async function report(data: Record<string, unknown>, id: string) {
    const job = await results.add('completed', data, {
      jobId: id,
      removeOnComplete: false,
      removeOnFail: false,
    });
    return until(
      async () => {
        const state = await job.getState();
        return (state === 'completed' || state === 'failed') && state;
      },
      10_000,
      `result ${id}`,
    );
  }

  it('applies only outputs inside the content hash folder, only to the matching content', async () => {
    const id = await insertAsset(db, { path: 'hostile/a.jpg', contentHash: hash });
    const good = derivativeRelPath(hash, 'thumb');
    const outputs = {
      thumb: good,
      preview: '../../../etc/passwd',
      poster: derivativeRelPath('d'.repeat(64), 'poster'),
    };
    expect(
      await report(
        {
          ...base,
          jobId: 'j1',
          assetId: id,
          status: 'completed',
          outputs,
          placeholder: null,
          metadata: null,
          width: null,
          height: null,
          durationMs: null,
          playback: null,
          shared: false,
        },
        'r1',
      ),
    ).toBe('completed');
    const [row] = await db.query('SELECT derivatives FROM assets WHERE id = $1', [id]);
    expect(row.derivatives).toEqual({ thumb: good });
    const stale = {
      ...base,
      contentHash: 'e'.repeat(64),
      jobId: 'j2',
      assetId: id,
      status: 'failed',
      reason: 'corrupt',
      message: 'm',
    };
    expect(await report(stale, 'r2')).toBe('completed');
    const [after] = await db.query('SELECT failures FROM assets WHERE id = $1', [id]);
    expect(after.failures).toEqual({});
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['a wrong version', { version: 2, status: 'completed', outputs: {} }],
    ['a failure without a known reason', { status: 'failed', reason: 'oops' }],
    ['not an object', null],
  ])('fails a report with %s and changes nothing', async (name, change) => {
    const data =
      change === null
        ? ('garbage' as unknown as Record<string, unknown>)
        : { ...base, jobId: `j-${name}`, assetId: '00000000-0000-4000-8000-000000000000', ...change };
    expect(await report(data, `bad-${name.replace(/\W/g, '-')}`)).toBe('failed');
  });
});
