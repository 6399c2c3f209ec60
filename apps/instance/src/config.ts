import { isAbsolute, resolve } from 'node:path';
import { ConfigError, EnvReader, readCommonConfig, type CommonConfig } from '@atrium/server';

export interface InstanceConfig extends CommonConfig {
  nodeName: string;
  redisUrl: string;
  portalUrl: string;
  originalsPath: string;
  cachePath: string;
  clientId?: string;
  clientSecret?: string;
  joinToken?: string;
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
}

const NODE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Reads an instance's settings once, at start; a bad value names its variable. */
export function loadInstanceConfig(env: Record<string, string | undefined> = process.env): InstanceConfig {
  const reader = new EnvReader(env);
  const nodeName = reader.string('NODE_NAME');
  if (!NODE_NAME.test(nodeName)) {
    throw new ConfigError('NODE_NAME', 'must be lowercase letters, digits and dashes, starting with a letter');
  }
  return {
    ...readCommonConfig(reader, { port: 8081 }),
    nodeName,
    redisUrl: reader.url('REDIS_URL', { protocols: ['redis:', 'rediss:'] }),
    portalUrl: reader.url('PORTAL_URL', { origin: true }),
    originalsPath: absolutePath(reader, 'ORIGINALS_PATH'),
    cachePath: absolutePath(reader, 'CACHE_PATH'),
    clientId: reader.optionalString('NODE_CLIENT_ID'),
    clientSecret: reader.optionalString('NODE_CLIENT_SECRET'),
    joinToken: reader.optionalString('NODE_JOIN_TOKEN'),
    sessionMaxAgeMs: reader.duration('SESSION_MAX_AGE', '12h'),
    sessionIdleMs: reader.duration('SESSION_IDLE', '2h'),
  };
}

function absolutePath(reader: EnvReader, name: string): string {
  const value = reader.string(name);
  if (value.includes('\0')) throw new ConfigError(name, 'must not contain NUL');
  return isAbsolute(value) ? value : resolve(value);
}
