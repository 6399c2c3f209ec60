import { DEFAULT_MEDIA_LIMITS } from '@atrium/media';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './config.js';

const instance = { name: 'family', redisUrl: 'redis://127.0.0.1:6380', originalsPath: '/data/family/originals', cachePath: '/data/family/cache' };
const base = { WORKER_INSTANCES: JSON.stringify([instance]) };

describe('loadWorkerConfig', () => {
  it('reads the instances, the port and the optional shared store', () => {
    const config = loadWorkerConfig({ ...base, WORKER_PORT: '9100', ATRIUM_SHARED_DERIVATIVES_PATH: '/shared', PATH: '/usr/bin' });
    expect(config).toMatchObject({ port: 9100, host: '0.0.0.0', instances: [instance], sharedDerivativesPath: '/shared', searchPath: '/usr/bin' });
    expect(loadWorkerConfig(base).port).toBe(8090);
    expect(loadWorkerConfig(base).sharedDerivativesPath).toBeUndefined();
  });

  it('defaults to Immich’s concurrency and the media limits, and reads overrides', () => {
    const config = loadWorkerConfig(base);
    expect(config.concurrency).toEqual({ metadata: 5, thumbnails: 3, video: 1 });
    expect(config.limits).toEqual(DEFAULT_MEDIA_LIMITS);
    expect([config.locking, config.shutdownGraceMs]).toEqual([{ lockDurationMs: 30_000, stalledIntervalMs: 30_000 }, 25_000]);
    const tuned = loadWorkerConfig({
      ...base,
      WORKER_CONCURRENCY_THUMBNAILS: '2',
      WORKER_TRANSCODE_TIMEOUT: '90s',
      WORKER_IMAGE_TIMEOUT: '10s',
      WORKER_MAX_INPUT_PIXELS: '1000000',
      WORKER_LOCK_DURATION: '2s',
      WORKER_SHUTDOWN_GRACE: '1s',
    });
    expect([tuned.concurrency.thumbnails, tuned.limits.transcodeTimeoutMs, tuned.limits.imageTimeoutSeconds, tuned.limits.maxInputPixels]).toEqual([2, 90_000, 10, 1_000_000]);
    expect([tuned.locking.lockDurationMs, tuned.shutdownGraceMs]).toEqual([2_000, 1_000]);
  });

  it.each([
    ['WORKER_CONCURRENCY_VIDEO', '0'],
    ['WORKER_CONCURRENCY_METADATA', 'many'],
    ['WORKER_TRANSCODE_TIMEOUT', 'forever'],
    ['WORKER_SHUTDOWN_GRACE', '-1s'],
    ['WORKER_MAX_INPUT_PIXELS', '0'],
  ])('names %s when it is %j', (name, value) => {
    expect(() => loadWorkerConfig({ ...base, [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('names WORKER_INSTANCES and says what is wrong with it', () => {
    const cases: [unknown, string][] = [
      [[], 'non-empty JSON list'],
      [{}, 'non-empty JSON list'],
      [[null], 'entry 0 is not an object'],
      [[{ ...instance, name: 'Family' }], 'entry 0: name'],
      [[instance, instance], 'listed twice'],
      [[{ ...instance, redisUrl: 'http://x' }], 'redisUrl'],
      [[{ ...instance, originalsPath: 'relative/path' }], 'originalsPath must be an absolute path'],
      [[{ ...instance, cachePath: '/a\0b' }], 'cachePath must be an absolute path'],
    ];
    for (const [value, message] of cases) {
      expect(() => loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify(value) })).toThrow(message);
      expect(() => loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify(value) })).toThrow(/^WORKER_INSTANCES: /);
    }
    expect(() => loadWorkerConfig({})).toThrow('WORKER_INSTANCES: is required');
    expect(() => loadWorkerConfig({ ...base, ATRIUM_SHARED_DERIVATIVES_PATH: 'rel' })).toThrow('ATRIUM_SHARED_DERIVATIVES_PATH: must be an absolute path');
  });
});
