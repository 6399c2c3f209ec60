import { Injectable } from '@nestjs/common';
import { ThrottleRepository } from '../repositories/throttle.repository.js';
import { Clock } from './clock.js';
import { PortalError } from './errors.js';

/** How many failures pass freely, and how long the delay grows after that. */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures older than this no longer count. */
  windowMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};
export const JOIN_POLICY: ThrottlePolicy = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/**
 * Progressive delays: after the free failures, each further failure doubles the time during which
 * the key is refused before any expensive work (argon2, a directory) is done.
 */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /** Refuses with ERR_THROTTLED (429, `retryAfter` seconds) while any of `keys` is blocked. */
  async check(keys: string[]): Promise<void> {
    const until = await this.repo.blockedUntil(keys, this.clock.now());
    if (until) {
      const retryAfter = Math.max(1, Math.ceil((until.getTime() - this.clock.now().getTime()) / 1000));
      throw new PortalError('ERR_THROTTLED', `too many failed attempts; try again in ${retryAfter} s`, 429, {
        retryAfter,
      });
    }
  }

  async fail(key: string, policy: ThrottlePolicy): Promise<void> {
    const now = this.clock.now();
    const failures = await this.repo.recordFailure(key, now, new Date(now.getTime() - policy.windowMs));
    const over = failures - policy.freeFailures;
    if (over > 0) {
      const delay = Math.min(policy.baseDelayMs * 2 ** Math.min(over - 1, 30), policy.maxDelayMs);
      await this.repo.block(key, new Date(now.getTime() + delay));
    }
  }

  async succeed(key: string): Promise<void> {
    await this.repo.reset(key);
  }
}
