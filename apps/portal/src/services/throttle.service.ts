import { Injectable } from '@nestjs/common';
import { ThrottleRepository, type ThrottleRow } from '../repositories/throttle.repository.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';

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
 * A key of one account is counted as a failure before the attempt is judged, under a row lock, in
 * the same transaction that checks the block: parallel guesses cannot all pass the check before the
 * first failure is written, and a success then resets the key (`succeed`). A key shared by many
 * people (an address) is only checked up front and counted when the attempt fails (`fail`): a burst
 * of good sign-ins from one office must not be refused because they are in flight together.
 */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Refuses with ERR_THROTTLED (429, `retryAfter` seconds) while any key of `counted` or `checked`
   * is blocked, counting nothing; otherwise counts one failed attempt on every key of `counted`,
   * blocking those over their policy.
   */
  async attempt(counted: [key: string, policy: ThrottlePolicy][], checked: string[] = []): Promise<void> {
    const now = this.clock.now();
    const policies = new Map(counted);
    const until = await this.repo.locked([...policies.keys(), ...checked], now, (rows) => {
      const blocked = rows
        .map((r) => r.blockedUntil)
        .filter((d): d is Date => d !== null && d.getTime() > now.getTime());
      if (blocked.length) return { result: new Date(Math.max(...blocked.map((d) => d.getTime()))), save: [] };
      const save = rows.flatMap((row) => {
        const policy = policies.get(row.key);
        return policy ? [failedOnce(row, policy, now)] : [];
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

  /** Counts one failure on a shared key that {@link attempt} only checked. */
  async fail(key: string, policy: ThrottlePolicy): Promise<void> {
    const now = this.clock.now();
    await this.repo.locked([key], now, (rows) => ({
      result: undefined,
      save: rows.map((row) => failedOnce(row, policy, now)),
    }));
  }

  /** A success clears the key's count. */
  async succeed(key: string): Promise<void> {
    await this.repo.reset(key);
  }
}

/** The row after one more failure: counts older than the window start again, then the block grows. */
function failedOnce(row: ThrottleRow, policy: ThrottlePolicy, now: Date): ThrottleRow {
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
}
