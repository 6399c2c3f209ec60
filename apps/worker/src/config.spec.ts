import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './config.js';

const instance = { name: 'family', redisUrl: 'redis://127.0.0.1:6380', originalsPath: '/data/family/originals', cachePath: '/data/family/cache' };

describe('loadWorkerConfig', () => {
  it('reads the instances, the port and the optional shared store', () => {
    const config = loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify([instance]), WORKER_PORT: '9100', ATRIUM_SHARED_DERIVATIVES_PATH: '/shared' });
    expect(config).toEqual({ port: 9100, host: '0.0.0.0', instances: [instance], sharedDerivativesPath: '/shared' });
    expect(loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify([instance]) }).port).toBe(8090);
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
    expect(() => loadWorkerConfig({ WORKER_INSTANCES: JSON.stringify([instance]), ATRIUM_SHARED_DERIVATIVES_PATH: 'rel' })).toThrow(
      'ATRIUM_SHARED_DERIVATIVES_PATH: must be an absolute path',
    );
  });
});
