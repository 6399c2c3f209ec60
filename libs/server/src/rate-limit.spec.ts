import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rateLimit } from './rate-limit.js';
import { createRedis } from './redis.js';

describe('rateLimit while Redis does not answer', () => {
  it('lets requests through instead of failing them', async () => {
    const redis = createRedis('redis://127.0.0.1:1', { retryStrategy: () => null });
    const middleware = rateLimit({
      redis,
      prefix: 'atrium-test',
      sessionCookie: 'atrium_test',
      limits: { apiPerSession: { points: 1, durationMs: 60_000 }, apiPerAddress: { points: 1, durationMs: 60_000 }, signInPerAddress: { points: 1, durationMs: 60_000 } },
    });
    try {
      for (const url of ['/api/assets', '/api/assets', '/auth/login', '/auth/callback?code=x']) {
        const req = { url, headers: { cookie: 'atrium_test=abc' }, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
        const res = { statusCode: 200, setHeader: () => undefined, end: () => undefined } as unknown as ServerResponse;
        const passed = await new Promise<boolean>((resolve) => middleware(req, res, () => resolve(true)));
        expect(passed, url).toBe(true);
        expect(res.statusCode).toBe(200);
      }
    } finally {
      redis.disconnect();
    }
  });
});
