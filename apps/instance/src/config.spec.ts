import { describe, expect, it } from 'vitest';
import { loadInstanceConfig } from './config.js';

const base = {
  NODE_NAME: 'family',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/family',
  REDIS_URL: 'redis://127.0.0.1:6380',
  PORTAL_URL: 'https://photos.example.org',
  ORIGINALS_PATH: '/srv/originals',
  CACHE_PATH: '/srv/cache',
};

function variableOf(env: Record<string, string>): string | undefined {
  try {
    loadInstanceConfig(env);
  } catch (error) {
    return (error as { variable?: string }).variable;
  }
  return undefined;
}

describe('loadInstanceConfig', () => {
  it('reads the defaults of docs/contracts.md §7', () => {
    const config = loadInstanceConfig(base);
    expect(config).toMatchObject({
      nodeName: 'family',
      idTokenAlg: 'EdDSA',
      sessionMaxAgeMs: 12 * 3_600_000,
      sessionIdleMs: 2 * 3_600_000,
      port: 8081,
    });
    expect(config.secretKey).toBeUndefined();
  });

  it('takes the client credentials and the sealing key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadInstanceConfig({
      ...base,
      NODE_CLIENT_ID: 'c',
      NODE_CLIENT_SECRET: 's',
      ATRIUM_SECRET_KEY: key,
      NODE_ID_TOKEN_ALG: 'RS256',
    });
    expect(config).toMatchObject({ clientId: 'c', clientSecret: 's', secretKey: key, idTokenAlg: 'RS256' });
  });

  it.each([
    ['NODE_NAME', { NODE_NAME: 'Family' }],
    ['NODE_NAME', { NODE_NAME: 'a:b' }],
    ['PORTAL_URL', { PORTAL_URL: 'https://photos.example.org/portal' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1' }],
    ['NODE_CLIENT_SECRET', { NODE_CLIENT_ID: 'only-id' }],
    ['NODE_CLIENT_ID', { NODE_CLIENT_SECRET: 'only-secret' }],
    ['NODE_ID_TOKEN_ALG', { NODE_ID_TOKEN_ALG: 'HS256' }],
    ['ATRIUM_SECRET_KEY', { ATRIUM_SECRET_KEY: 'short' }],
    ['SESSION_IDLE', { SESSION_IDLE: 'soon' }],
    ['ORIGINALS_PATH', { ORIGINALS_PATH: '/srv/a\0b' }],
  ])('names %s when it is wrong', (variable, override) => {
    expect(variableOf({ ...base, ...override })).toBe(variable);
  });
});
