import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS } from '@tus/utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '@atrium/testing';
import { RedisLocker, type RedisLockerOptions } from './redis-locker.js';

let redis: TestRedis;
let inspector: Redis;
const connections: Redis[] = [];
let n = 0;

/** A replica's locker: connections of its own, as another pod would have. */
function replica(options: Partial<RedisLockerOptions> = {}): { locker: RedisLocker; crash: () => void } {
  const commands = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  const subscriber = commands.duplicate();
  connections.push(commands, subscriber);
  const locker = new RedisLocker(commands, subscriber, { prefix: 'atrium-test', ...options });
  return {
    locker,
    crash: () => {
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

const never = () => new AbortController().signal;
const uploadId = () => `upload${n++}`;

beforeAll(async () => {
  redis = await startRedis();
  inspector = new Redis(redis.url);
});

afterAll(async () => {
  for (const connection of [...connections, inspector]) connection.disconnect();
  await redis?.stop();
});

describe('RedisLocker', () => {
  it('gets the holder on another replica to release, and then takes the lock', async () => {
    const [a, b] = [replica(), replica()];
    const id = uploadId();
    const held = a.locker.newLock(id);
    let asked = 0;
    await held.lock(never(), async () => {
      asked++;
      // What tus does when asked: the PATCH stops, and its handler unlocks.
      await held.unlock();
    });
    expect(await inspector.exists(a.locker.keyOf(id))).toBe(1);
    const next = b.locker.newLock(id);
    await next.lock(never(), () => undefined);
    expect(asked).toBe(1);
    await next.unlock();
    expect(await inspector.exists(a.locker.keyOf(id))).toBe(0);
  });

  it("answers tus' lock timeout when the holder does not let go in time", async () => {
    const [a, b] = [replica(), replica({ acquireTimeoutMs: 300 })];
    const id = uploadId();
    const held = a.locker.newLock(id);
    let asked = 0;
    await held.lock(never(), () => {
      asked++;
    });
    const started = Date.now();
    await expect(b.locker.newLock(id).lock(never(), () => undefined)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(asked).toBeGreaterThan(0);
    await held.unlock();
  });

  it('stops waiting when the waiting request goes away', async () => {
    const [a, b] = [replica(), replica()];
    const id = uploadId();
    const held = a.locker.newLock(id);
    await held.lock(never(), () => undefined);
    const gone = new AbortController();
    const waiting = b.locker.newLock(id).lock(gone.signal, () => undefined);
    setTimeout(() => gone.abort(), 100);
    const started = Date.now();
    await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    expect(Date.now() - started).toBeLessThan(5_000);
    await held.unlock();
  });

  it('keeps a held lock past its lease by renewing it', async () => {
    const [a, b] = [replica({ leaseMs: 300 }), replica({ acquireTimeoutMs: 200 })];
    const id = uploadId();
    const held = a.locker.newLock(id);
    await held.lock(never(), () => undefined);
    await sleep(900);
    expect(await inspector.pttl(a.locker.keyOf(id))).toBeGreaterThan(0);
    await expect(b.locker.newLock(id).lock(never(), () => undefined)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await held.unlock();
  });

  it("lets a crashed holder's lock lapse, and its late unlock never frees the new holder's", async () => {
    const a = replica({ leaseMs: 300 });
    const b = replica();
    const id = uploadId();
    const held = a.locker.newLock(id);
    await held.lock(never(), () => undefined);
    a.crash();
    const started = Date.now();
    const next = b.locker.newLock(id);
    await next.lock(never(), () => undefined);
    expect(Date.now() - started).toBeLessThan(3_000);
    const token = await inspector.get(b.locker.keyOf(id));
    await held.unlock();
    expect(await inspector.get(b.locker.keyOf(id))).toBe(token);
    await next.unlock();
  });

  it('tells the request to stop when its lease was taken over, and unlock leaves the new one be', async () => {
    const a = replica({ leaseMs: 300 });
    const id = uploadId();
    const held = a.locker.newLock(id);
    let asked = 0;
    await held.lock(never(), () => {
      asked++;
    });
    // As if the lease had lapsed (a long pause) and another replica had taken the lock.
    await inspector.set(a.locker.keyOf(id), 'someone-else', 'PX', 10_000);
    await sleep(400);
    expect(asked).toBe(1);
    await held.unlock();
    expect(await inspector.get(a.locker.keyOf(id))).toBe('someone-else');
    await inspector.del(a.locker.keyOf(id));
  });

  it('answers 503 ERR_UPLOADS_UNAVAILABLE, holding nothing, when Redis does not answer', async () => {
    const commands = new Redis('redis://127.0.0.1:9', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    const subscriber = new Redis('redis://127.0.0.1:9', { lazyConnect: true, retryStrategy: () => null });
    for (const connection of [commands, subscriber]) connection.on('error', () => undefined);
    connections.push(commands, subscriber);
    const lock = new RedisLocker(commands, subscriber, { prefix: 'atrium-test' }).newLock(uploadId());
    await expect(lock.lock(never(), () => undefined)).rejects.toMatchObject({ code: 'ERR_UPLOADS_UNAVAILABLE', status: 503 });
    await lock.unlock();
  });

  it('locks uploads independently of each other', async () => {
    const [a, b] = [replica(), replica({ acquireTimeoutMs: 300 })];
    const first = a.locker.newLock(uploadId());
    await first.lock(never(), () => undefined);
    const second = b.locker.newLock(uploadId());
    await second.lock(never(), () => undefined);
    await Promise.all([first.unlock(), second.unlock()]);
  });
});
