import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  CookieJar,
  createTestDatabase,
  freePort,
  startRedis,
  type TestDatabase,
  type TestRedis,
} from '@atrium/testing';
import type { InstanceRuntimeOptions } from '../app.module.js';
import { loadInstanceConfig, type InstanceConfig } from '../config.js';
import { createInstanceApp, migrate } from '../main.js';
import { Clock } from '../common/clock.js';
import type { PortalHarness } from './portal.js';

/** A clock tests can move forward; it starts at the real time. */
export class TestClock extends Clock {
  offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface InstanceStartOptions {
  name: string;
  /** The issuer; none for tests that never sign in (`identity` must then be `none`). */
  portal?: PortalHarness;
  /** Extra or overriding environment (e.g. NODE_JOIN_TOKEN instead of client credentials). */
  env?: Record<string, string>;
  /**
   * How the instance gets its node credentials: `credentials` registers it and passes them in the
   * environment (the default), `join` registers it and passes a one-time NODE_JOIN_TOKEN, `none`
   * registers nothing.
   */
  identity?: 'credentials' | 'join' | 'none';
  /** The ID-token algorithm the node is registered with at the portal (the portal's default otherwise). */
  registeredAlg?: 'EdDSA' | 'RS256';
  runtime?: InstanceRuntimeOptions;
  /** Serve the Next.js UI too (it must have been built). */
  ui?: boolean;
}

/** Another replica of an instance (see {@link InstanceHarness.replica}). */
export interface InstanceReplica {
  app: NestExpressApplication;
  url: string;
  /** A fetch with the jar against this replica, carrying the instance's public origin. */
  request(jar: CookieJar, path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers' shapes vary per route
export type JsonBody = Record<string, any>;

/** A JSON request as a signed-in browser sends it; the answer's body parsed when it is JSON, else `{}`. */
export async function sendJson(
  instance: { request: InstanceHarness['request'] },
  jar: CookieJar,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const res = await instance.request(jar, path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text !== '' && (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json ? (JSON.parse(text) as JsonBody) : {}, headers: res.headers };
}

const UI_DIR = fileURLToPath(new URL('../../ui', import.meta.url));

/** A real instance on a free port over its own database, Redis and folders, registered with a portal. */
export class InstanceHarness {
  private constructor(
    public app: NestExpressApplication,
    readonly config: InstanceConfig,
    readonly clock: TestClock,
    private readonly db: TestDatabase,
    readonly redis: TestRedis,
    private readonly dir: string,
    private readonly runtime: InstanceRuntimeOptions,
    private readonly uiDir: string | undefined,
  ) {}

  static async start(options: InstanceStartOptions): Promise<InstanceHarness> {
    const [db, redis, port, dir] = await Promise.all([
      createTestDatabase('instance'),
      startRedis(),
      freePort(),
      mkdtemp(join(tmpdir(), 'atrium-test-instance-')),
    ]);
    const url = `http://127.0.0.1:${port}`;
    const identity = await identityEnv(options, url);
    const config = loadInstanceConfig({
      NODE_NAME: options.name,
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PORTAL_URL: options.portal?.url ?? 'http://127.0.0.1:9',
      ORIGINALS_PATH: join(dir, 'originals'),
      CACHE_PATH: join(dir, 'cache'),
      // Test files sign in many times from 127.0.0.1; the rate-limit tests set their own limits.
      RATE_LIMIT_SIGNIN_PER_ADDRESS: '100000/1m',
      RATE_LIMIT_API_PER_ADDRESS: '100000/1m',
      RATE_LIMIT_API_PER_SESSION: '100000/1m',
      ...identity,
      ...options.env,
    });
    await migrate(config);
    const clock = new TestClock();
    const uiDir = options.ui ? UI_DIR : undefined;
    const app = await listening(config, { clock, ...options.runtime }, uiDir);
    return new InstanceHarness(app, config, clock, db, redis, dir, options.runtime ?? {}, uiDir);
  }

  /** Stops the app and starts it again on the same port, database and Redis (a reboot). */
  async restart(): Promise<void> {
    await this.app.close();
    this.app = await listening(this.config, { clock: this.clock, ...this.runtime }, this.uiDir);
  }

  /**
   * A second replica of this instance: another process's app on its own port over the same
   * database, Redis and folders, answering for the same public URL (as behind a load balancer).
   */
  async replica(): Promise<InstanceReplica> {
    const port = await freePort();
    const app = await listening({ ...this.config, port }, { clock: this.clock, ...this.runtime });
    const url = `http://127.0.0.1:${port}`;
    const origin = this.url;
    return {
      app,
      url,
      request(jar, path, init = {}) {
        const headers = new Headers(init.headers);
        if ((init.method ?? 'GET') !== 'GET' && !headers.has('origin')) headers.set('origin', origin);
        return jar.fetch(new URL(path, url), { ...init, headers, redirect: 'manual' });
      },
      stop: () => app.close(),
    };
  }

  get url(): string {
    return this.config.publicUrl;
  }

  get cookieName(): string {
    return `atrium_${this.config.nodeName}`;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await Promise.all([this.db.drop(), this.redis.stop()]);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The temp folder holding `originals/` and `cache/`. */
  get folder(): string {
    return this.dir;
  }

  /**
   * Walks a browser's sign-in from `/auth/login` through the portal and back; resolves to the last
   * response (the instance page the callback redirected to, or wherever the walk stopped).
   */
  async signIn(jar: CookieJar, query = ''): Promise<{ location: URL; status: number }> {
    let next = new URL(`/auth/login${query}`, this.url);
    for (let hop = 0; hop < 12; hop++) {
      const res = await jar.fetch(next, { redirect: 'manual' });
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location || res.status < 300 || res.status >= 400) return { location: next, status: res.status };
      const target = new URL(location, next);
      if (target.origin === this.url && !target.pathname.startsWith('/auth/'))
        return { location: target, status: res.status };
      next = target;
    }
    throw new Error('too many redirects while signing in');
  }

  /** A fetch with the jar against this instance; state-changing requests carry this origin. */
  request(jar: CookieJar, path: string, init: RequestInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin')) headers.set('origin', this.url);
    return jar.fetch(new URL(path, this.url), { ...init, headers, redirect: 'manual' });
  }
}

async function listening(
  config: InstanceConfig,
  runtime: InstanceRuntimeOptions,
  uiDir?: string,
): Promise<NestExpressApplication> {
  const app = await createInstanceApp(config, { logLevels: ['error'], runtime, uiDir });
  await app.listen(config.port, '127.0.0.1');
  return app;
}

async function identityEnv(options: InstanceStartOptions, url: string): Promise<Record<string, string>> {
  const portal = options.portal;
  if (!portal) return {};
  switch (options.identity ?? 'credentials') {
    case 'credentials': {
      const creds = await portal.addNode(options.name, {
        url,
        ...(options.registeredAlg ? { alg: options.registeredAlg } : {}),
      });
      return { NODE_CLIENT_ID: creds.clientId, NODE_CLIENT_SECRET: creds.clientSecret };
    }
    case 'join': {
      const { joinToken } = await portal.nodes.add({ name: options.name, url }, 'cli:test');
      return { NODE_JOIN_TOKEN: joinToken, ATRIUM_SECRET_KEY: randomBytes(32).toString('base64') };
    }
    case 'none':
      return {};
  }
}

/** A fresh jar signed in at the portal as `username`, then at `instance`. */
export async function signedInAt(
  instance: InstanceHarness,
  portal: PortalHarness,
  username: string,
): Promise<CookieJar> {
  const jar = new CookieJar();
  const result = await portal.signIn(jar, username);
  if (result.status !== 200)
    throw new Error(`portal sign-in of ${username} failed: ${JSON.stringify(result.body)}`);
  const done = await instance.signIn(jar);
  if (done.location.searchParams.has('signin'))
    throw new Error(`instance sign-in of ${username} ended at ${done.location.href}`);
  return jar;
}
