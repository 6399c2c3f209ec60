import { describe, expect, it } from 'vitest';
import { MediaError } from '../errors.js';
import { assertPayloadOnQueue, mediaJobId, parseMediaJobPayload, queueForKinds, queuePrefix } from './payload.js';
import { DEFAULT_PARAMS, resolveParams } from './params.js';
import { parseMediaJobResult, resultJobId } from './result.js';

const HASH = 'a'.repeat(64);
const payload = (over: Record<string, unknown> = {}) => ({ assetId: 'asset-1', relPath: '2024/trip/img.jpg', contentHash: HASH, kinds: ['thumb', 'preview'], params: {}, ...over });

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MediaError ? error.reason : 'not a MediaError';
  }
  return undefined;
}

describe('parseMediaJobPayload', () => {
  it('accepts a valid payload and sorts its kinds', () => {
    expect(parseMediaJobPayload(payload({ kinds: ['preview', 'thumb'] })).kinds).toEqual(['preview', 'thumb']);
    expect(parseMediaJobPayload(payload({ params: { previewFormat: 'webp', videoCrf: 28 } })).params).toEqual({ previewFormat: 'webp', videoCrf: 28 });
  });

  it('accepts each queue\'s kinds as they come, and returns a copy', () => {
    for (const kinds of [[], ['video'], ['thumb'], ['poster', 'thumb', 'preview']]) {
      const input = payload({ kinds });
      const parsed = parseMediaJobPayload(input);
      expect(parsed).toEqual({ ...input, kinds: [...kinds].sort() });
      expect(parsed).not.toBe(input);
      expect(parsed.kinds).not.toBe(input.kinds);
    }
  });

  it('carries the id of the request that queued it, when there is one', () => {
    expect(parseMediaJobPayload(payload({ requestId: 'edge-42.abc' })).requestId).toBe('edge-42.abc');
    expect(parseMediaJobPayload(payload({ requestId: 'f3b0c2a4-1d2e-4f00-9a1b-0123456789ab', params: { videoCrf: 28 } })).requestId).toBe('f3b0c2a4-1d2e-4f00-9a1b-0123456789ab');
    expect(parseMediaJobPayload(payload())).not.toHaveProperty('requestId');
  });

  const hostile: Array<[string, unknown, string]> = [
    ['a request id with a space', payload({ requestId: 'a b' }), 'invalid_payload'],
    ['a request id too long', payload({ requestId: 'x'.repeat(129) }), 'invalid_payload'],
    ['an empty request id', payload({ requestId: '' }), 'invalid_payload'],
    ['a request id that is no string', payload({ requestId: 42 }), 'invalid_payload'],
    ['a request id with a newline', payload({ requestId: 'a\nforged log line' }), 'invalid_payload'],
    ['not an object', 'x', 'invalid_payload'],
    ['null', null, 'invalid_payload'],
    ['an array', [], 'invalid_payload'],
    ['an unknown field', payload({ extra: 1 }), 'invalid_payload'],
    ['a colon in the asset id', payload({ assetId: 'a:b' }), 'invalid_payload'],
    ['an empty asset id', payload({ assetId: '' }), 'invalid_payload'],
    ['an uppercase hash', payload({ contentHash: 'A'.repeat(64) }), 'invalid_payload'],
    ['a short hash', payload({ contentHash: 'ab' }), 'invalid_payload'],
    ['an unknown kind', payload({ kinds: ['thumb', 'raw'] }), 'invalid_payload'],
    ['a repeated kind', payload({ kinds: ['thumb', 'thumb'] }), 'invalid_payload'],
    ['video mixed with thumbnails', payload({ kinds: ['video', 'thumb'] }), 'invalid_payload'],
    ['kinds not an array', payload({ kinds: 'thumb' }), 'invalid_payload'],
    ['params missing', payload({ params: undefined }), 'invalid_payload'],
    ['params null', payload({ params: null }), 'invalid_payload'],
    ['params an array', payload({ params: [] }), 'invalid_payload'],
    ['a kind that is no string', payload({ kinds: [1] }), 'invalid_payload'],
    ['video twice', payload({ kinds: ['video', 'video'] }), 'invalid_payload'],
    ['a field missing', { assetId: 'a1', relPath: 'a.jpg', contentHash: HASH, kinds: [], extra: {} }, 'invalid_payload'],
    ['an unknown param', payload({ params: { size: 3 } }), 'invalid_payload'],
    ['quality out of range', payload({ params: { thumbQuality: 0 } }), 'invalid_payload'],
    ['a fractional size', payload({ params: { previewSize: 1440.5 } }), 'invalid_payload'],
    ['a bad preview format', payload({ params: { previewFormat: 'png' } }), 'invalid_payload'],
    ['a bad preset', payload({ params: { videoPreset: 'placebo' } }), 'invalid_payload'],
    ['relPath not a string', payload({ relPath: 7 }), 'invalid_payload'],
    ['an absolute relPath', payload({ relPath: '/etc/passwd' }), 'forbidden_path'],
    ['a .. segment', payload({ relPath: 'a/../../etc/passwd' }), 'forbidden_path'],
    ['a leading ..', payload({ relPath: '../x.jpg' }), 'forbidden_path'],
    ['a NUL', payload({ relPath: 'a\0.jpg' }), 'forbidden_path'],
    ['an empty segment', payload({ relPath: 'a//b.jpg' }), 'forbidden_path'],
    ['a . segment', payload({ relPath: './b.jpg' }), 'forbidden_path'],
    ['an empty relPath', payload({ relPath: '' }), 'forbidden_path'],
  ];
  it.each(hostile)('refuses %s', (_name, input, reason) => {
    expect(reasonOf(() => parseMediaJobPayload(input))).toBe(reason);
  });

  it('names every bad field in one refusal', () => {
    expect(() => parseMediaJobPayload(payload({ assetId: 'a:b', contentHash: 'x' }))).toThrow(/assetId.*contentHash/);
  });
});

describe('queues and ids', () => {
  it.each([
    [[], 'metadata'],
    [['thumb'], 'thumbnails'],
    [['preview', 'thumb'], 'thumbnails'],
    [['poster', 'thumb', 'preview'], 'thumbnails'],
    [['video'], 'video'],
  ] as const)('kinds %j go to %s', (kinds, queue) => {
    expect(queueForKinds(kinds)).toBe(queue);
  });

  it('refuses a payload on another queue than its own', () => {
    const p = parseMediaJobPayload(payload());
    expect(() => assertPayloadOnQueue('thumbnails', p)).not.toThrow();
    expect(reasonOf(() => assertPayloadOnQueue('video', p))).toBe('invalid_payload');
  });

  it('derives job ids from asset, kinds and hash, without a colon', () => {
    expect(mediaJobId({ assetId: 'a1', kinds: ['thumb', 'preview'], contentHash: HASH })).toBe(`a1-preview+thumb-${HASH}`);
    expect(mediaJobId({ assetId: 'a1', kinds: [], contentHash: HASH })).toBe(`a1-metadata-${HASH}`);
    expect(mediaJobId({ assetId: 'a1', kinds: ['video'], contentHash: HASH })).not.toContain(':');
  });

  it('prefixes queues per node and refuses names that could break keys', () => {
    expect(queuePrefix('family')).toBe('atrium-family');
    for (const bad of ['', 'a:b', 'a b', '-x', 'x'.repeat(64)]) expect(() => queuePrefix(bad)).toThrow(RangeError);
  });
});

describe('params', () => {
  it('fills Immich-like defaults and keeps what was set', () => {
    expect(resolveParams({})).toEqual(DEFAULT_PARAMS);
    expect(resolveParams({ thumbQuality: 60, previewFormat: 'webp' })).toMatchObject({ thumbQuality: 60, previewFormat: 'webp', thumbSize: 250, previewSize: 1440, videoCrf: 23, videoSize: 720 });
  });
});

describe('results', () => {
  const base = { version: 1, queue: 'thumbnails', jobId: 'j', assetId: 'a', contentHash: HASH, relPath: 'x.jpg', attempts: 1, finishedAt: new Date(0).toISOString() };
  it('accepts completed and failed results', () => {
    expect(parseMediaJobResult({ ...base, status: 'completed', outputs: {} }).status).toBe('completed');
    expect(parseMediaJobResult({ ...base, status: 'failed', reason: 'corrupt', message: 'm' }).status).toBe('failed');
  });
  it.each([
    ['a wrong version', { ...base, version: 2, status: 'completed', outputs: {} }],
    ['an unknown queue', { ...base, queue: 'x', status: 'completed', outputs: {} }],
    ['an unknown status', { ...base, status: 'done' }],
    ['a failure without a known reason', { ...base, status: 'failed', reason: 'oops' }],
    ['a completion without outputs', { ...base, status: 'completed' }],
  ])('refuses %s', (_name, input) => {
    expect(reasonOf(() => parseMediaJobResult(input))).toBe('invalid_payload');
  });
  it('gives each outcome of a job its own result id', () => {
    expect(resultJobId({ jobId: 'j1', status: 'completed' })).toBe('j1-completed');
    expect(resultJobId({ jobId: 'j1', status: 'failed' })).toBe('j1-failed');
  });
});
