import { describe, expect, it } from 'vitest';
import type { MediaWorkRequest } from '@atrium/media';
import type { AdminRepository } from '../repositories/admin.repository.js';
import { DerivativeRebuildService, REBUILD_BATCH } from './derivative-rebuild.service.js';
import type { DerivativeSettingsService } from './derivative-settings.service.js';
import type { MediaQueues, ReplaceCounts } from './media-queue.js';

// The rebuild's walk, with the library and the queues as small stand-ins: keyset pages in id
// order, one page in flight at a time, the settings read once, one rebuild at a time per process.
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function library(count: number) {
  const assets = Array.from({ length: count }, (_, i) => ({
    id: id(i + 1),
    path: `p/${i}.${i % 10 === 0 ? 'mp4' : 'jpg'}`,
    contentHash: 'a'.repeat(64),
    mediaType: (i % 10 === 0 ? 'video' : 'image') as 'image' | 'video',
  }));
  const pagesAsked: Array<string | null> = [];
  const admin = {
    assetsAfter: (after: string | null, limit: number) => {
      pagesAsked.push(after);
      return Promise.resolve(assets.filter((a) => after === null || a.id > after).slice(0, limit));
    },
  } as unknown as AdminRepository;
  return { admin, pagesAsked };
}

function queues(gate?: Promise<void>) {
  const batches: MediaWorkRequest[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const queue = {
    replace: async (requests: MediaWorkRequest[]): Promise<ReplaceCounts> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      batches.push(requests);
      await gate;
      inFlight--;
      return { queued: requests.length, waiting: 0, busy: 0 };
    },
  } as unknown as MediaQueues;
  return { queue, batches, maxInFlight: () => maxInFlight };
}

const settings = (reads: { n: number }) =>
  ({
    fresh: () => {
      reads.n++;
      return Promise.resolve({ thumbSize: 320 });
    },
  }) as unknown as DerivativeSettingsService;

describe('DerivativeRebuildService', () => {
  it('walks every asset in keyset pages, one at a time, with the settings read once', async () => {
    const count = REBUILD_BATCH * 2 + 7;
    const { admin, pagesAsked } = library(count);
    const q = queues();
    const reads = { n: 0 };
    const counts = await new DerivativeRebuildService(q.queue, admin, settings(reads)).rebuild({ video: false });
    expect(counts).toEqual({ assets: count, queued: count, waiting: 0, busy: 0 });
    expect(pagesAsked).toEqual([null, id(REBUILD_BATCH), id(REBUILD_BATCH * 2), id(count)]);
    expect(q.batches.map((b) => b.length)).toEqual([REBUILD_BATCH, REBUILD_BATCH, 7]);
    expect(q.maxInFlight()).toBe(1);
    expect(reads.n).toBe(1);
    const all = q.batches.flat();
    expect(new Set(all.map((r) => r.assetId)).size).toBe(count);
    expect(all.every((r) => r.metadata === false && r.params?.thumbSize === 320)).toBe(true);
    expect(all.find((r) => r.relPath.endsWith('.mp4'))!.kinds).toEqual(['thumb', 'preview', 'poster']);
    expect(all.find((r) => r.relPath.endsWith('.jpg'))!.kinds).toEqual(['thumb', 'preview']);
  });

  it('transcodes videos again only when asked', async () => {
    const { admin } = library(20);
    const q = queues();
    await new DerivativeRebuildService(q.queue, admin, settings({ n: 0 })).rebuild({ video: true });
    const videos = q.batches.flat().filter((r) => r.relPath.endsWith('.mp4'));
    expect(videos.map((r) => r.kinds)).toEqual([
      ['thumb', 'preview', 'poster', 'video'],
      ['thumb', 'preview', 'poster', 'video'],
    ]);
  });

  it('refuses a second rebuild while one runs (ERR_REBUILD_RUNNING), and takes one after', async () => {
    const { admin } = library(3);
    let open: () => void = () => undefined;
    const q = queues(new Promise<void>((resolve) => (open = resolve)));
    const service = new DerivativeRebuildService(q.queue, admin, settings({ n: 0 }));
    const first = service.rebuild({ video: false });
    await expect(service.rebuild({ video: false })).rejects.toMatchObject({ code: 'ERR_REBUILD_RUNNING', status: 409 });
    open();
    expect((await first).assets).toBe(3);
    expect((await service.rebuild({ video: false })).assets).toBe(3);
  });

  it('answers ERR_NOT_READY (503) with what was done when the queues stop answering', async () => {
    const { admin } = library(REBUILD_BATCH + 1);
    let calls = 0;
    const queue = {
      replace: (requests: MediaWorkRequest[]) =>
        ++calls === 1 ? Promise.resolve({ queued: requests.length, waiting: 0, busy: 0 }) : Promise.reject(new Error('Connection is closed.')),
    } as unknown as MediaQueues;
    const service = new DerivativeRebuildService(queue, admin, settings({ n: 0 }));
    await expect(service.rebuild({ video: false })).rejects.toMatchObject({
      code: 'ERR_NOT_READY',
      status: 503,
      details: { assets: REBUILD_BATCH, queued: REBUILD_BATCH },
    });
    // The failed attempt does not leave the rebuild marked as running.
    calls = 0;
    await expect(service.rebuild({ video: false })).rejects.toMatchObject({ code: 'ERR_NOT_READY' });
  });
});
