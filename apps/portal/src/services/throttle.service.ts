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
 *
 * An attempt is counted as a failure before it is judged, under a row lock, in the same
 * transaction that checks the block: parallel attempts cannot all pass the check before the first
 * failure is written. A success then resets the key (`succeed`) or takes its count back (`refund`).
 */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Refuses with ERR_THROTTLED (429, `retryAfter` seconds) while any of the keys is blocked, counting
   * nothing; otherwise counts one failed attempt on every key, blocking those over their policy.
   */
  async attempt(entries: [key: string, policy: ThrottlePolicy][]): Promise<void> {
    const now = this.clock.now();
    const policies = new Map(entries);
    const until = await this.repo.locked([...policies.keys()], now, (rows) => {
      const blocked = rows
        .map((r) => r.blockedUntil)
        .filter((d): d is Date => d !== null && d.getTime() > now.getTime());
      if (blocked.length) return { result: new Date(Math.max(...blocked.map((d) => d.getTime()))), save: [] };
      const save = rows.map((row) => {
        const policy = policies.get(row.key)!;
        const stale = row.updatedAt.getTime() < now.getTime() - policy.windowMs;
        const failures = stale ? 1 : row.failures + 1;
        const over = failures - policy.freeFailures;
        const blockedUntil =
          over > 0
            ? new Date(
                now.getTime() + Math.min(policy.baseDelayMs * 2 ** Math.min(over - 1, 30), policy.maxDelayMs),
              )
            : row.blockedUntil;
        return { ...row, failures, blockedUntil, updatedAt: now };
      });
      return { result: undefined, save };
    });
    if (until) {
      const retryAfter = Math.max(1, Math.ceil((until.getTime() - this.clock.now().getTime()) / 1000));
      throw new PortalError('ERR_THROTTLED', `too many failed attempts; try again in ${retryAfter} s`, 429, {
        retryAfter,
      });
    }
  }

  /** A success clears the key's count. */
  async succeed(key: string): Promise<void> {
    await this.repo.reset(key);
  }

  /** A success that must not clear the key (an address shared by many accounts) only takes its own count back. */
  async refund(key: string, policy: ThrottlePolicy): Promise<void> {
    await this.repo.refund(key, policy.freeFailures);
  }
}
