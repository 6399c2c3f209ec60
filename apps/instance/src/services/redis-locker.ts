import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type { Redis } from 'ioredis';
import { InstanceError } from '../common/errors.js';

/** How the locks behave; the defaults suit uploads (a test shortens them). */
export interface RedisLockerOptions {
  /** Key and channel prefix: the instance's own namespace (`atrium-<node>`). */
  prefix: string;
  /** A held lock's lease in Redis, renewed every third of it while held; a crashed holder's lapses. */
  leaseMs?: number;
  /** How long a request waits for a lock before tus' lock-timeout error. */
  acquireTimeoutMs?: number;
}

// Deletes or extends the lock only for the holder of its token.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 250;

/**
 * tus' `Locker` over the instance's Redis, so that replicas sharing UPLOAD_TMP_PATH never write one
 * upload at once (tus' default MemoryLocker only knows its own process). A lock is a key set with
 * `SET NX PX` to a random token, renewed while held and deleted only by its holder. As MemoryLocker
 * does in one process, a request that finds an upload locked asks the holder to let go — here by a
 * message on the upload's channel, which every replica holding a lock listens to — and retries
 * until the lock is free or its wait runs out.
 */
export class RedisLocker implements Locker {
  readonly leaseMs: number;
  readonly acquireTimeoutMs: number;
  private readonly holders = new Map<string, RequestRelease>();

  /** `redis` runs commands; `subscriber` (a connection of its own) hears requests to release. */
  constructor(
    readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisLockerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    subscriber.on('message', (channel: string) => void this.holders.get(channel)?.());
  }

  newLock(id: string): Lock {
    return new RedisLock(this, id);
  }

  keyOf(id: string): string {
    return `${this.options.prefix}:tus-lock:${id}`;
  }

  channelOf(id: string): string {
    return `${this.options.prefix}:tus-release:${id}`;
  }

  /** Listens for requests to release `id` while this process holds it. */
  async hold(id: string, requestRelease: RequestRelease): Promise<void> {
    const channel = this.channelOf(id);
    this.holders.set(channel, requestRelease);
    await this.subscriber.subscribe(channel);
  }

  async letGo(id: string): Promise<void> {
    const channel = this.channelOf(id);
    this.holders.delete(channel);
    await this.subscriber.unsubscribe(channel);
  }
}

class RedisLock implements Lock {
  private readonly token = randomUUID();
  private renewal?: NodeJS.Timeout;
  private renewedAt = 0;
  private held = false;

  constructor(
    private readonly locker: RedisLocker,
    private readonly id: string,
  ) {}

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    try {
      await this.acquire(stopSignal, requestRelease);
    } catch (error) {
      if (error === ERRORS.ERR_LOCK_TIMEOUT || error instanceof InstanceError) throw error;
      // Without its Redis the library cannot tell whether another replica is writing this upload.
      throw new InstanceError('ERR_UPLOADS_UNAVAILABLE', "the library's Redis does not answer; try the upload again shortly", 503);
    }
  }

  private async acquire(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { redis, leaseMs, acquireTimeoutMs } = this.locker;
    const key = this.locker.keyOf(this.id);
    const deadline = Date.now() + acquireTimeoutMs;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
      if (stopSignal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
      if ((await redis.set(key, this.token, 'PX', leaseMs, 'NX')) === 'OK') break;
      // Someone holds it, here or on another replica: ask them to finish up, then try again.
      await redis.publish(this.locker.channelOf(this.id), 'release');
      const left = deadline - Date.now();
      if (left <= 0) throw ERRORS.ERR_LOCK_TIMEOUT;
      await sleep(Math.min(wait, left), undefined, { signal: stopSignal }).catch(() => undefined);
    }
    try {
      await this.locker.hold(this.id, requestRelease);
    } catch (error) {
      await redis.eval(RELEASE, 1, key, this.token).catch(() => undefined);
      throw error;
    }
    this.held = true;
    this.renewedAt = Date.now();
    this.renewal = setInterval(() => void this.renew(requestRelease), Math.max(1, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  /** Releases the lock if this request still holds it; with Redis away, the lease lapses instead. */
  async unlock(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.renewal);
    await this.locker.letGo(this.id).catch(() => undefined);
    await this.locker.redis.eval(RELEASE, 1, this.locker.keyOf(this.id), this.token).catch(() => undefined);
  }

  /**
   * Extends the lease. When it is lost — taken over after it lapsed, or Redis unreachable for longer
   * than a lease — the request is asked to stop writing, as if another had asked for the lock.
   */
  private async renew(requestRelease: RequestRelease): Promise<void> {
    const { redis, leaseMs } = this.locker;
    const kept = await redis.eval(RENEW, 1, this.locker.keyOf(this.id), this.token, String(leaseMs)).then(
      (answer) => answer === 1,
      () => undefined,
    );
    if (!this.held) return;
    if (kept) this.renewedAt = Date.now();
    if (kept === false || (kept === undefined && Date.now() - this.renewedAt > leaseMs)) {
      clearInterval(this.renewal);
      await requestRelease();
    }
  }
}
