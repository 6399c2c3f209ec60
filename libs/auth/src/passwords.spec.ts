import * as argon2 from '@node-rs/argon2';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  MAX_PASSWORD_BYTES,
  hashPassword,
  needsRehash,
  verifyDummy,
  verifyPassword,
} from './passwords.js';

// Pass-through spy, so a test can see that verifyDummy really runs argon2id.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...original, verify: vi.fn(original.verify) };
});

const PASSWORD = 'correct horse battery staple';
let stored: string;

beforeAll(async () => {
  stored = await hashPassword(PASSWORD);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

describe('hashPassword', () => {
  it('writes argon2id with m = 19456 KiB, t = 2, p = 1 and a fresh salt', async () => {
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
  });

  it('runs off the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hashPassword('another password');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses empty and over-long passwords with codes', async () => {
    const cases: Array<[string, string]> = [
      ['', 'ERR_PASSWORD_EMPTY'],
      [undefined as never, 'ERR_PASSWORD_EMPTY'],
      ['x'.repeat(MAX_PASSWORD_BYTES + 1), 'ERR_PASSWORD_TOO_LONG'],
      ['é'.repeat(MAX_PASSWORD_BYTES / 2 + 1), 'ERR_PASSWORD_TOO_LONG'],
    ];
    for (const [password, code] of cases) expect(await codeOf(hashPassword(password))).toBe(code);
  });

  it('accepts a password of exactly the byte limit', async () => {
    const longest = 'é'.repeat(MAX_PASSWORD_BYTES / 2);
    expect(await verifyPassword(longest, await hashPassword(longest))).toBe(true);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
  });

  it('matches a password typed in another Unicode form (NFKC)', async () => {
    const ligature = await hashPassword('ﬁne café');
    expect(await verifyPassword('fine cafe\u0301', ligature)).toBe(true);
  });

  it('answers false, never throws, for malformed, foreign or oversized hashes', async () => {
    const argon2i = await argon2.hash(PASSWORD, { algorithm: 1 as argon2.Algorithm });
    const bad = [
      '',
      'x',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
      '$2b$12$abcdefghijklmnopqrstuuQ8r5y6x1Yh0y7u8i9o0p1a2s3d4f5g6',
      stored.slice(0, -4),
      stored.replace('m=19456', 'm=4194304'),
      stored.replace('t=2', 't=1000'),
      stored.replace('p=1', 'p=64'),
      argon2i,
      null,
      undefined,
      42,
    ];
    for (const hash of bad) expect(await verifyPassword(PASSWORD, hash as string)).toBe(false);
  });

  it('answers false when argon2 itself fails', async () => {
    vi.mocked(argon2.verify).mockRejectedValueOnce(new Error('native failure'));
    expect(await verifyPassword(PASSWORD, stored)).toBe(false);
  });

  it('answers false for empty and over-long passwords without hashing', async () => {
    for (const password of ['', 'x'.repeat(MAX_PASSWORD_BYTES + 1), null]) {
      expect(await verifyPassword(password as string, stored)).toBe(false);
    }
  });
});

describe('verifyDummy', () => {
  it('runs a real argon2id verification against the dummy hash and answers false', async () => {
    const verify = vi.mocked(argon2.verify);
    verify.mockClear();
    expect(await verifyDummy('whatever the user typed')).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0]).toBe(DUMMY_PASSWORD_HASH);
  });

  it('answers false even for the password the dummy hash was made from', async () => {
    expect(await verifyPassword('atrium-dummy-password-for-unknown-users', DUMMY_PASSWORD_HASH)).toBe(true);
    expect(await verifyDummy('atrium-dummy-password-for-unknown-users')).toBe(false);
  });
});

describe('needsRehash', () => {
  it('is false for hashes with the current parameters, the dummy included', () => {
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('is true for other parameters, other algorithms and unreadable hashes', async () => {
    const weaker = await argon2.hash(PASSWORD, {
      algorithm: 2 as argon2.Algorithm,
      memoryCost: 8192,
      timeCost: 2,
      parallelism: 1,
    });
    const slower = await argon2.hash(PASSWORD, {
      algorithm: 2 as argon2.Algorithm,
      memoryCost: 19456,
      timeCost: 3,
      parallelism: 1,
    });
    const wider = await argon2.hash(PASSWORD, {
      algorithm: 2 as argon2.Algorithm,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 2,
    });
    const longer = await argon2.hash(PASSWORD, {
      algorithm: 2 as argon2.Algorithm,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 64,
    });
    const older = await argon2.hash(PASSWORD, {
      algorithm: 2 as argon2.Algorithm,
      version: 0 as argon2.Version,
    });
    const argon2i = await argon2.hash(PASSWORD, { algorithm: 1 as argon2.Algorithm });
    for (const hash of [weaker, slower, wider, longer, older, argon2i, '', 'x', null]) {
      expect(needsRehash(hash as string)).toBe(true);
    }
    expect(await verifyPassword(PASSWORD, weaker)).toBe(true);
  });
});
