import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ConfigError, parseDuration, type EnvReader } from './config.js';

/** At most `points` requests per `durationMs`; `undefined` in a config means no limit. */
export interface RateRule {
  points: number;
  durationMs: number;
}

/** The limits of an instance (docs/configuration.md, "Instance"). */
export interface RateLimits {
  /** `/api/*`, per session (signed-in requests). */
  apiPerSession?: RateRule;
  /** `/api/*`, per client address. */
  apiPerAddress?: RateRule;
  /** `/auth/login` and `/auth/callback`, per client address. */
  signInPerAddress?: RateRule;
}

/** `600/1m` → 600 requests a minute; `off` → no limit. */
export function parseRateRule(name: string, value: string): RateRule | undefined {
  if (value.trim().toLowerCase() === 'off') return undefined;
  const match = /^(\d{1,7})\/(\w+)$/.exec(value.trim());
  const durationMs = match ? parseDuration(match[2]!) : undefined;
  if (!match || !durationMs || Number(match[1]) < 1 || durationMs < 1000)
    throw new ConfigError(name, `must be N/DURATION (600/1m, 30/10s) or off, got ${JSON.stringify(value)}`);
  return { points: Number(match[1]), durationMs };
}

/**
 * RATE_LIMIT_API_PER_SESSION (2400/1m), RATE_LIMIT_API_PER_ADDRESS (6000/1m),
 * RATE_LIMIT_SIGNIN_PER_ADDRESS (60/1m): generous enough for a timeline that loads hundreds of
 * thumbnails while someone scrolls, tight enough to stop a script hammering the API or sign-in.
 */
export function readRateLimits(reader: EnvReader): RateLimits {
  const rule = (name: string, fallback: string) => parseRateRule(name, reader.string(name, fallback));
  return {
    apiPerSession: rule('RATE_LIMIT_API_PER_SESSION', '2400/1m'),
    apiPerAddress: rule('RATE_LIMIT_API_PER_ADDRESS', '6000/1m'),
    signInPerAddress: rule('RATE_LIMIT_SIGNIN_PER_ADDRESS', '60/1m'),
  };
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function limiter(redis: Redis, prefix: string, rule: RateRule): RateLimiterRedis {
  return new RateLimiterRedis({ storeClient: redis, keyPrefix: prefix, points: rule.points, duration: Math.ceil(rule.durationMs / 1000) });
}

/** A cookie's value from the request, or undefined. */
function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 32);

/**
 * Counts requests in Redis, so every replica of an instance shares the counters, and answers 429
 * with `Retry-After` once a rule is exceeded. Session keys are digests of the session cookie (no
 * session id lands in Redis); addresses are `req.ip` (TRUSTED_PROXIES decides which hop counts).
 * When Redis does not answer, requests pass: a limiter must not take the library down with it.
 */
export function rateLimit(opts: { redis: Redis; prefix: string; sessionCookie: string; limits: RateLimits }): Middleware {
  const logger = new Logger('rate-limit');
  // The app's connection may be lazy (createRedis): the counters need it open from the first request.
  if (opts.redis.status === 'wait') opts.redis.connect().catch((error: Error) => logger.warn(`redis: ${error.message}`));
  const make = (name: string, rule: RateRule | undefined) => (rule ? limiter(opts.redis, `${opts.prefix}:rl:${name}`, rule) : undefined);
  const api = { session: make('api-session', opts.limits.apiPerSession), address: make('api-address', opts.limits.apiPerAddress) };
  const signIn = make('signin-address', opts.limits.signInPerAddress);
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const address = (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? 'unknown';
    const checks: Array<[RateLimiterRedis, string]> = [];
    if (path.startsWith('/api/')) {
      const session = cookie(req, opts.sessionCookie);
      if (api.session && session) checks.push([api.session, digest(session)]);
      if (api.address) checks.push([api.address, address]);
    } else if ((path === '/auth/login' || path === '/auth/callback') && signIn) {
      checks.push([signIn, address]);
    }
    if (checks.length === 0) return next();
    Promise.all(checks.map(([l, key]) => l.consume(key))).then(
      () => next(),
      (refusal: unknown) => {
        if (!(refusal instanceof RateLimiterRes)) {
          logger.warn(`counters unavailable, request let through: ${(refusal as Error)?.message ?? refusal}`);
          return next();
        }
        res.statusCode = 429;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))));
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { code: 'ERR_TOO_MANY_REQUESTS', message: 'Too many requests; try again later' } }));
      },
    );
  };
}
