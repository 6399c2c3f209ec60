import { Redis, type RedisOptions } from 'ioredis';
import type { ReadinessCheck } from './health.js';

/** A Redis connection that fails fast while Redis is down instead of queueing commands forever. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, ...opts });
}

export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect().catch(() => undefined);
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`unexpected answer ${pong}`);
    },
  };
}
