import { describe, expect, it } from 'vitest';
import { MediaError } from '../errors.js';
import { enqueueMediaJobs, planMediaJobs, type MediaJobOptions, type MediaQueueLike } from './enqueue.js';
import type { MediaJobPayload, MediaQueueName } from './payload.js';

const HASH = 'b'.repeat(64);
const request = { assetId: 'a1', relPath: 'clips/x.mov', contentHash: HASH, kinds: ['thumb', 'preview', 'poster', 'video'] as const };

/** An in-memory queue with BullMQ's id semantics: a known id is not added twice. */
function memoryQueue(states: Map<string, string>) {
  const added: Array<{ data: MediaJobPayload; opts: MediaJobOptions }> = [];
  const retried: string[] = [];
  const queue: MediaQueueLike = {
    async add(_name, data, opts) {
      if (!states.has(opts.jobId)) {
        states.set(opts.jobId, 'waiting');
        added.push({ data, opts });
      }
      return {
        getState: async () => states.get(opts.jobId)!,
        retry: async () => {
          retried.push(opts.jobId);
          states.set(opts.jobId, 'waiting');
        },
      };
    },
  };
  return { queue, added, retried };
}

describe('planMediaJobs', () => {
  it('splits a request into metadata, thumbnails and video jobs with idempotent ids', () => {
    const plan = planMediaJobs(request);
    expect(plan.map((p) => [p.queue, p.payload.kinds])).toEqual([
      ['metadata', []],
      ['thumbnails', ['poster', 'preview', 'thumb']],
      ['video', ['video']],
    ]);
    expect(plan.map((p) => p.options.jobId)).toEqual([`a1-metadata-${HASH}`, `a1-poster+preview+thumb-${HASH}`, `a1-video-${HASH}`]);
    for (const p of plan) expect(p.options).toMatchObject({ removeOnComplete: true, removeOnFail: false, backoff: { type: 'exponential' } });
  });

  it('skips metadata when asked and refuses a bad request before queueing anything', () => {
    expect(planMediaJobs({ ...request, kinds: ['thumb'], metadata: false }).map((p) => p.queue)).toEqual(['thumbnails']);
    expect(() => planMediaJobs({ ...request, relPath: '../etc/passwd' })).toThrow(MediaError);
  });
});

describe('enqueueMediaJobs', () => {
  it('adds each job once, and retries one that failed before', async () => {
    const states = new Map<string, string>();
    const queues = Object.fromEntries(['metadata', 'thumbnails', 'video'].map((q) => [q, memoryQueue(states)])) as Record<MediaQueueName, ReturnType<typeof memoryQueue>>;
    const asQueues = Object.fromEntries(Object.entries(queues).map(([k, v]) => [k, v.queue])) as Record<MediaQueueName, MediaQueueLike>;
    await enqueueMediaJobs(asQueues, request);
    await enqueueMediaJobs(asQueues, request);
    expect(queues.thumbnails.added).toHaveLength(1);
    states.set(`a1-video-${HASH}`, 'failed');
    const outcomes = await enqueueMediaJobs(asQueues, request);
    expect(outcomes.map((o) => o.outcome)).toEqual(['queued', 'queued', 'retried']);
    expect(queues.video.retried).toEqual([`a1-video-${HASH}`]);
  });
});
