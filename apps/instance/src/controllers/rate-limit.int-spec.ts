import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstanceApp } from '../main.js';
import { InstanceHarness } from '../test/instance.js';

// Limits small enough to reach with a bounded burst against 127.0.0.1.
const LIMITS = {
  RATE_LIMIT_API_PER_SESSION: '8/1m',
  RATE_LIMIT_API_PER_ADDRESS: '40/1m',
  RATE_LIMIT_SIGNIN_PER_ADDRESS: '5/1m',
};

let family: InstanceHarness;
let replica: NestExpressApplication;
let replicaUrl: string;

beforeAll(async () => {
  family = await InstanceHarness.start({ name: 'family', identity: 'none', env: LIMITS });
  // A second replica of the same instance: same database, same Redis, so the same counters.
  replica = await createInstanceApp(family.config, { logLevels: ['error'] });
  await replica.listen(0, '127.0.0.1');
  replicaUrl = await replica.getUrl();
});

afterAll(async () => {
  await replica?.close();
  await family?.stop();
});

const get = (base: string, path: string, cookie?: string) =>
  fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie: `atrium_family=${cookie}` } : {} });

describe('rate limits', () => {
  it('refuses a session past its limit with 429 and Retry-After, counted across replicas', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get(i % 2 ? replicaUrl : family.url, '/api/assets', 'session-a')).status);
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const refused = await get(family.url, '/api/assets', 'session-a');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({ error: { code: 'ERR_TOO_MANY_REQUESTS', message: 'Too many requests; try again later' } });
    // Another session from the same address still gets through.
    expect((await get(family.url, '/api/assets', 'session-b')).status).toBe(401);
  });

  it('refuses an address past its limit under a parallel burst, exactly at the limit', async () => {
    const before = 12; // the requests of the test above, all from 127.0.0.1
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 ? replicaUrl : family.url, '/api/assets').then((r) => r.status)));
    expect(burst.filter((s) => s === 429)).toHaveLength(before);
    expect(burst.filter((s) => s === 401)).toHaveLength(40 - before);
    // Pages, health and metrics are not API calls and stay reachable.
    expect((await get(family.url, '/healthz')).status).toBe(200);
    expect((await get(family.url, '/metrics')).status).toBe(200);
  });

  it('limits sign-in starts and callbacks per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(family.url, '/auth/login')).status);
    for (let i = 0; i < 3; i++) statuses.push((await get(replicaUrl, '/auth/callback?code=x&state=y')).status);
    expect(statuses.slice(0, 5).includes(429)).toBe(false);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const refused = await get(family.url, '/auth/callback?code=x&state=y');
    expect([refused.status, refused.headers.get('retry-after') !== null]).toEqual([429, true]);
  });
});
