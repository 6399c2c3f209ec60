import { isAbsolute, resolve } from 'node:path';
import { ConfigError, EnvReader, readCommonConfig, readRateLimits, type CommonConfig, type RateLimits } from '@atrium/server';

/** ID-token algorithms a node can be registered with at the portal (docs/contracts.md §1). */
export const NODE_ALGORITHMS = ['EdDSA', 'RS256'] as const;
export type NodeAlgorithm = (typeof NODE_ALGORITHMS)[number];

export interface InstanceConfig extends CommonConfig {
  nodeName: string;
  redisUrl: string;
  portalUrl: string;
  originalsPath: string;
  cachePath: string;
  clientId?: string;
  clientSecret?: string;
  joinToken?: string;
  /** The algorithm the node was registered with; ID and logout tokens signed otherwise are refused. */
  idTokenAlg: NodeAlgorithm;
  /** Seals the joined client secret at rest when set (`ATRIUM_SECRET_KEY`). */
  secretKey?: string;
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
  uploads: UploadConfig;
  /** RATE_LIMIT_*: requests per session and per address on the API and sign-in. */
  rateLimits: RateLimits;
}

/** Where uploads wait until they are complete, and how large and how old they may get. */
export interface UploadConfig {
  /** Partial uploads (`UPLOAD_TMP_PATH`, default `CACHE_PATH/uploads`); best on the originals' file system. */
  tmpPath: string;
  /** Largest file accepted, in bytes (`UPLOAD_MAX_BYTES`). */
  maxBytes: number;
  /** Largest file a plain multipart request may carry (`UPLOAD_MULTIPART_MAX_BYTES`). */
  multipartMaxBytes: number;
  /** A partial upload untouched for this long is removed (`UPLOAD_EXPIRE_AFTER`). */
  expireAfterMs: number;
}

const GIB = 1024 ** 3;

const NODE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Reads an instance's settings once, at start; a bad value names its variable. */
export function loadInstanceConfig(env: Record<string, string | undefined> = process.env): InstanceConfig {
  const reader = new EnvReader(env);
  const nodeName = reader.string('NODE_NAME');
  if (!NODE_NAME.test(nodeName)) {
    throw new ConfigError(
      'NODE_NAME',
      'must be lowercase letters, digits and dashes, starting with a letter',
    );
  }
  const clientId = reader.optionalString('NODE_CLIENT_ID');
  const clientSecret = reader.optionalString('NODE_CLIENT_SECRET');
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new ConfigError(
      clientId === undefined ? 'NODE_CLIENT_ID' : 'NODE_CLIENT_SECRET',
      'NODE_CLIENT_ID and NODE_CLIENT_SECRET go together',
    );
  }
  return {
    ...readCommonConfig(reader, { port: 8081 }),
    nodeName,
    redisUrl: reader.url('REDIS_URL', { protocols: ['redis:', 'rediss:'] }),
    portalUrl: reader.url('PORTAL_URL', { origin: true }),
    originalsPath: absolutePath(reader, 'ORIGINALS_PATH'),
    cachePath: absolutePath(reader, 'CACHE_PATH'),
    clientId,
    clientSecret,
    joinToken: reader.optionalString('NODE_JOIN_TOKEN'),
    idTokenAlg: nodeAlgorithm(reader),
    secretKey: secretKey(reader),
    sessionMaxAgeMs: reader.duration('SESSION_MAX_AGE', '12h'),
    sessionIdleMs: reader.duration('SESSION_IDLE', '2h'),
    uploads: uploadConfig(reader, absolutePath(reader, 'CACHE_PATH')),
    rateLimits: readRateLimits(reader),
  };
}

function uploadConfig(reader: EnvReader, cachePath: string): UploadConfig {
  const tmp = reader.optionalString('UPLOAD_TMP_PATH');
  return {
    tmpPath: tmp === undefined ? resolve(cachePath, 'uploads') : absolutePath(reader, 'UPLOAD_TMP_PATH'),
    maxBytes: reader.int('UPLOAD_MAX_BYTES', 64 * GIB, { min: 1 }),
    multipartMaxBytes: reader.int('UPLOAD_MULTIPART_MAX_BYTES', 100 * 1024 ** 2, { min: 1 }),
    expireAfterMs: reader.duration('UPLOAD_EXPIRE_AFTER', '24h'),
  };
}

/** What indexing from the command line needs: the database, Redis and folders of one instance. */
export type IndexTarget = Pick<
  InstanceConfig,
  'nodeName' | 'databaseUrl' | 'redisUrl' | 'originalsPath' | 'cachePath'
>;

/** Reads an {@link IndexTarget} from the environment of an instance (`atrium instance index` inside its container). */
export function loadIndexTarget(env: Record<string, string | undefined> = process.env): IndexTarget {
  const reader = new EnvReader(env);
  const nodeName = reader.string('NODE_NAME');
  if (!NODE_NAME.test(nodeName))
    throw new ConfigError(
      'NODE_NAME',
      'must be lowercase letters, digits and dashes, starting with a letter',
    );
  return {
    nodeName,
    databaseUrl: reader.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] }),
    redisUrl: reader.url('REDIS_URL', { protocols: ['redis:', 'rediss:'] }),
    originalsPath: absolutePath(reader, 'ORIGINALS_PATH'),
    cachePath: absolutePath(reader, 'CACHE_PATH'),
  };
}

function nodeAlgorithm(reader: EnvReader): NodeAlgorithm {
  const value = reader.string('NODE_ID_TOKEN_ALG', 'EdDSA');
  if (!(NODE_ALGORITHMS as readonly string[]).includes(value))
    throw new ConfigError('NODE_ID_TOKEN_ALG', `must be ${NODE_ALGORITHMS.join(' or ')}`);
  return value as NodeAlgorithm;
}

function secretKey(reader: EnvReader): string | undefined {
  if (reader.optionalString('ATRIUM_SECRET_KEY') === undefined) return undefined;
  return reader.base64Key('ATRIUM_SECRET_KEY').toString('base64');
}

function absolutePath(reader: EnvReader, name: string): string {
  const value = reader.string(name);
  if (value.includes('\0')) throw new ConfigError(name, 'must not contain NUL');
  return isAbsolute(value) ? value : resolve(value);
}
