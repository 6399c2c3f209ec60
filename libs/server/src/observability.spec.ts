import { describe, expect, it } from 'vitest';
import { EnvReader } from './config.js';
import { safeUrl } from './logging.js';
import { readObservabilityConfig } from './observability.js';
import { proxyMatcher } from './request-context.js';
import { parseRateRule } from './rate-limit.js';

const read = (env: Record<string, string>, tty = false) => readObservabilityConfig(new EnvReader(env), tty);

describe('readObservabilityConfig', () => {
  it('logs JSON unless stdout is a terminal, at info, with /metrics on the main port', () => {
    expect(read({})).toEqual({ logFormat: 'json', logLevel: 'info', metricsHost: '0.0.0.0' });
    expect(read({}, true).logFormat).toBe('pretty');
    expect(read({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(read({ LOG_LEVEL: 'DEBUG', METRICS_PORT: '9464', METRICS_TOKEN: 'a'.repeat(16), HOST: '127.0.0.1' })).toEqual({
      logFormat: 'json',
      logLevel: 'debug',
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      metricsToken: 'a'.repeat(16),
    });
  });

  it.each([
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => read(env)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', variable }));
  });
});

describe('safeUrl', () => {
  it.each([
    ['/auth/callback?code=abc&state=xyz&iss=http%3A%2F%2Fp', '/auth/callback?code=*&state=*&iss=*'],
    ['/setup/Qm9vb2JhcmJhemJhemJhemJheg_-x', '/setup/:token'],
    ['/api/assets/6f1c2d3e-1111-4222-8333-944455556666/thumb', '/api/assets/6f1c2d3e-1111-4222-8333-944455556666/thumb'],
    ['/signin', '/signin'],
    ['/?', '/?'],
    ['/a?flag', '/a?flag=*'],
  ])('%s → %s', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });
});

describe('proxyMatcher', () => {
  const trusted = proxyMatcher(['10.0.0.0/8', '192.168.1.7', 'loopback', 'fd00::/8', 'not-an-address']);
  it.each([
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['127.0.0.1', true],
    ['::1', true],
    ['fd12::1', true],
    ['2001:db8::1', false],
    ['11.0.0.1', false],
    [undefined, false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(trusted(address)).toBe(expected);
  });

  it('trusts nobody by default', () => {
    expect(proxyMatcher([])('127.0.0.1')).toBe(false);
  });
});

describe('parseRateRule', () => {
  it.each([
    ['600/1m', { points: 600, durationMs: 60_000 }],
    ['30/10s', { points: 30, durationMs: 10_000 }],
    ['5/1h', { points: 5, durationMs: 3_600_000 }],
    ['off', undefined],
    ['OFF', undefined],
  ])('%s', (value, expected) => {
    expect(parseRateRule('RATE_LIMIT_X', value)).toEqual(expected);
  });

  it.each(['0/1m', '10', '10/', '10/500ms', '-1/1m', 'ten/1m', '10/1y', '99999999/1m'])('refuses %s naming the variable', (value) => {
    expect(() => parseRateRule('RATE_LIMIT_X', value)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG', variable: 'RATE_LIMIT_X' }));
  });
});
