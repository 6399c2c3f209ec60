import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, parseDuration, readCommonConfig } from './config.js';

const reader = (env: Record<string, string>) => new EnvReader(env);

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('EnvReader', () => {
  it('names the variable that is missing', () => {
    const e = configError(() => reader({}).string('DATABASE_URL'));
    expect(e.variable).toBe('DATABASE_URL');
    expect(e.code).toBe('ERR_CONFIG');
    expect(e.message).toBe('DATABASE_URL: is required');
  });

  it('treats blank values as missing and trims others', () => {
    expect(reader({ A: '  ' }).optionalString('A')).toBeUndefined();
    expect(reader({ A: ' x ' }).string('A')).toBe('x');
    expect(reader({}).string('A', 'fallback')).toBe('fallback');
  });

  it('accepts origins and refuses paths, other schemes and garbage', () => {
    expect(reader({ U: 'https://photos.example.org' }).url('U', { origin: true })).toBe('https://photos.example.org');
    for (const bad of ['https://x.org/', 'https://x.org/path', 'https://x.org?q=1', 'ftp://x.org', 'not a url', 'javascript:alert(1)']) {
      expect(configError(() => reader({ U: bad }).url('U', { origin: true })).variable).toBe('U');
    }
    expect(reader({ D: 'postgres://u:p@h/db' }).url('D', { protocols: ['postgres:'] })).toBe('postgres://u:p@h/db');
    expect(reader({}).optionalUrl('D')).toBeUndefined();
  });

  it('parses whole numbers within range only', () => {
    expect(reader({ P: '8080' }).port('P')).toBe(8080);
    expect(reader({}).port('P', 1)).toBe(1);
    for (const bad of ['80.5', '1e3', 'eighty', '70000', '-1']) expect(() => reader({ P: bad }).port('P')).toThrow(ConfigError);
    expect(() => reader({}).int('N')).toThrow('N: is required');
  });

  it('parses booleans strictly', () => {
    expect(reader({ B: 'TRUE' }).bool('B')).toBe(true);
    expect(reader({ B: 'off' }).bool('B', true)).toBe(false);
    expect(reader({}).bool('B', true)).toBe(true);
    expect(() => reader({ B: 'maybe' }).bool('B')).toThrow('B: must be true or false');
  });

  it('parses durations', () => {
    expect(parseDuration('12h')).toBe(43_200_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(reader({}).duration('SESSION_IDLE', '2h')).toBe(7_200_000);
    expect(() => reader({ S: '0s' }).duration('S', '1h')).toThrow(ConfigError);
    expect(() => reader({ S: 'soon' }).duration('S', '1h')).toThrow('S: must be a duration');
  });

  it('restricts lists to known values', () => {
    expect(reader({ L: 'webdav, app-passwords' }).list('L', ['webdav', 'app-passwords'])).toEqual(['webdav', 'app-passwords']);
    expect(reader({}).list('L')).toEqual([]);
    expect(() => reader({ L: 'webdav,ftp' }).list('L', ['webdav'])).toThrow('unknown value(s) ftp');
  });

  it('parses and validates JSON', () => {
    const isList = (v: unknown) => {
      if (!Array.isArray(v)) throw new Error('must be a JSON list');
      return v as unknown[];
    };
    expect(reader({ J: '[1,2]' }).json('J', isList)).toEqual([1, 2]);
    expect(reader({}).json('J', isList, [])).toEqual([]);
    expect(() => reader({}).json('J', isList)).toThrow('J: is required');
    expect(() => reader({ J: '{' }).json('J', isList)).toThrow('J: is not valid JSON');
    expect(() => reader({ J: '{}' }).json('J', isList)).toThrow('J: must be a JSON list');
  });

  it('accepts only 32-byte base64 secret keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(reader({ K: key }).base64Key('K')).toHaveLength(32);
    for (const bad of [Buffer.alloc(16).toString('base64'), 'not base64 at all!!', `${key}AAAA`]) {
      expect(() => reader({ K: bad }).base64Key('K')).toThrow('K: must be 32 random bytes');
    }
  });
});

describe('readCommonConfig', () => {
  it('derives the public URL from the port and validates features', () => {
    const c = readCommonConfig(reader({ DATABASE_URL: 'postgres://a@b/c', PORT: '9000', ATRIUM_DISABLE_FEATURES: 'webdav' }), { port: 8080 });
    expect(c).toMatchObject({ port: 9000, publicUrl: 'http://127.0.0.1:9000', disabledFeatures: ['webdav'], trustedProxies: [] });
    expect(() => readCommonConfig(reader({ DATABASE_URL: 'mysql://a@b/c' }), { port: 1 })).toThrow('DATABASE_URL: must use postgres: or postgresql:');
    expect(() => readCommonConfig(reader({ DATABASE_URL: 'postgres://a@b/c', ATRIUM_DISABLE_FEATURES: 'ftp' }), { port: 1 })).toThrow(
      'ATRIUM_DISABLE_FEATURES',
    );
  });
});
