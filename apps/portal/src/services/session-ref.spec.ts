import { describe, expect, it } from 'vitest';
import { newSessionRef } from './session.service.js';

describe('session refs', () => {
  it('are 12 base64url characters that a command line never reads as an option', () => {
    const refs = Array.from({ length: 20_000 }, () => newSessionRef());
    for (const ref of refs) expect(ref).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{11}$/);
    // 72 random bits less a few: no two alike in 20,000.
    expect(new Set(refs).size).toBe(refs.length);
  });
});
