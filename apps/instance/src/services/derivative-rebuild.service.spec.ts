import { describe, expect, it } from 'vitest';
import type { MediaWorkRequest } from '@atrium/media';
import { Clock } from '../common/clock.js';
import type { AdminRepository } from '../repositories/admin.repository.js';
import type { RebuildRun, RebuildRunRepository } from '../repositories/rebuild-run.repository.js';
import { DerivativeRebuildService, REBUILD_BATCH } from './derivative-rebuild.service.js';
import type { DerivativeSettingsService } from './derivative-settings.service.js';
import type { MediaQueues, ReplaceCounts } from './media-queue.js';

// The rebuild's walk, with the library, the run record and the queues as small stand-ins: keyset
// pages in id order, one page in flight at a time, the settings read once, the run's outcome saved.
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
    countPresent: () => Promise.resolve(count),
    assetsAfter: (after: string | null, limit: number) => {
      pagesAsked.push(after);
      return Promise.resolve(assets.filter((a) => after === null || a.id > after).slice(0, limit));
    },
  } as unknown as AdminRepository;
  return { admin, pagesAsked };
}

/** The run record: claimed unless one is running (as the SQL does, without the staleness). */
function runs() {
  let stored: RebuildRun | null = null;
  const repository = {
    latest: () => Promise.resolve(stored && { ...stored }),
    claim: (run: RebuildRun) => {
      if (stored?.status === 'running') return Promise.resolve(false);
      stored = { ...run };
      return Promise.resolve(true);
    },
    save: (run: RebuildRun) => {
      if (stored?.id !== run.id) return Promise.resolve(false);
      stored = { ...run };
      return Promise.resolve(true);
    },
  } as unknown as RebuildRunRepository;
  return repository;
}

function queues(gate?: Promise<void>, fail?: (call: number) => boolean) {
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
      if (fail?.(batches.length)) throw new Error('Connection is closed.');
      return { queued: requests.length, waiting: 0, busy: 0 };
    },
  } as unknown as MediaQueues;
  return { queue, batches, maxInFlight: () => maxInFlight };
}

function settings(reads = { n: 0 }) {
  return {
    fresh: () => {
      reads.n++;
      return Promise.resolve({ thumbSize: 320 });
    },
  } as unknown as DerivativeSettingsService;
}

const service = (q: ReturnType<typeof queues>, admin: AdminRepository, reads = { n: 0 }, record = runs()) =>
  new DerivativeRebuildService(q.queue, admin, record, settings(reads), new Clock());

describe('DerivativeRebuildService', () => {
  it('walks every asset in keyset pages, one at a time, with the settings read once', async () => {
    const count = REBUILD_BATCH * 2 + 7;
    const { admin, pagesAsked } = library(count);
    const q = queues();
    const reads = { n: 0 };
    const rebuild = service(q, admin, reads);
    const started = await rebuild.start({ video: false });
    expect(started).toMatchObject({ status: 'running', total: count, assets: 0, finishedAt: null });
    await rebuild.settled();
    expect(await rebuild.latest()).toMatchObject({ id: started.id, status: 'completed', total: count, assets: count, queued: count, waiting: 0, busy: 0, error: null });
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
    const rebuild = service(q, admin);
    await rebuild.start({ video: true });
    await rebuild.settled();
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
    const rebuild = service(q, admin);
    await rebuild.start({ video: false });
    await expect(rebuild.start({ video: false })).rejects.toMatchObject({ code: 'ERR_REBUILD_RUNNING', status: 409 });
    expect((await rebuild.latest())!.status).toBe('running');
    open();
    await rebuild.settled();
    expect((await rebuild.latest())!.status).toBe('completed');
    await rebuild.start({ video: false });
    await rebuild.settled();
    expect((await rebuild.latest())!.assets).toBe(3);
  });

  it('records a failed run with what was done when the queues stop answering', async () => {
    const { admin } = library(REBUILD_BATCH + 1);
    const rebuild = service(queues(undefined, (call) => call === 2), admin);
    await rebuild.start({ video: false });
    await rebuild.settled();
    expect(await rebuild.latest()).toMatchObject({ status: 'failed', error: 'ERR_NOT_READY', assets: REBUILD_BATCH, queued: REBUILD_BATCH });
    // The failed run does not hold the next one back.
    await rebuild.start({ video: false });
    await rebuild.settled();
    expect((await rebuild.latest())!.status).toBe('completed');
  });

  it('stops between pages when the instance shuts down', async () => {
    const { admin, pagesAsked } = library(REBUILD_BATCH * 3);
    let open: () => void = () => undefined;
    const rebuild = service(queues(new Promise<void>((resolve) => (open = resolve))), admin);
    await rebuild.start({ video: false });
    const stopping = rebuild.onModuleDestroy();
    open();
    await stopping;
    expect(pagesAsked).toHaveLength(1);
    expect(await rebuild.latest()).toMatchObject({ status: 'failed', error: 'ERR_NOT_READY', assets: REBUILD_BATCH });
  });
});
