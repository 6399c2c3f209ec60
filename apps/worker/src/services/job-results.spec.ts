import { MediaError, parseMediaJobResult } from '@atrium/media';
import { describe, expect, it } from 'vitest';
import { completedResult, failedResult } from './job-results.js';

const now = new Date('2026-01-02T03:04:05Z');
const data = { assetId: 'a1', relPath: 'x.jpg', contentHash: 'c'.repeat(64), kinds: ['thumb'], params: {} };

describe('job results', () => {
  it('echoes the job and carries the outcome', () => {
    const outcome = { metadata: null, outputs: { thumb: 'derivatives/cc/x/thumb.webp' }, placeholder: 'abc', width: 4, height: 3, durationMs: null, playback: null, shared: false };
    const result = completedResult('thumbnails', { id: 'j1', data, attempts: 2 }, outcome, now);
    expect(result).toEqual({ version: 1, queue: 'thumbnails', jobId: 'j1', assetId: 'a1', relPath: 'x.jpg', contentHash: 'c'.repeat(64), attempts: 2, finishedAt: now.toISOString(), status: 'completed', ...outcome });
    expect(parseMediaJobResult(result)).toEqual(result);
  });

  it.each([
    [new MediaError('pixel_bomb', 'too many pixels'), 'pixel_bomb'],
    [new MediaError('timeout', 'ffmpeg ran too long'), 'timeout'],
    [new Error('ECONNRESET'), 'internal'],
    ['a string', 'internal'],
  ])('reports %s as %s', (error, reason) => {
    const result = failedResult('video', { id: 'j2', data, attempts: 1 }, error, now);
    expect([result.status, result.reason]).toEqual(['failed', reason]);
    expect(parseMediaJobResult(result).status).toBe('failed');
  });

  it('still reports a payload that was garbage, with empty echoes', () => {
    const result = failedResult('metadata', { id: 'j3', data: 'junk', attempts: 1 }, new MediaError('invalid_payload', 'bad'), now);
    expect([result.assetId, result.relPath, result.contentHash, result.reason]).toEqual(['', '', '', 'invalid_payload']);
    expect(parseMediaJobResult(result).jobId).toBe('j3');
    expect(failedResult('metadata', { id: 'j4', data: null, attempts: 1 }, new Error('x'.repeat(900)), now).message).toHaveLength(500);
  });
});
