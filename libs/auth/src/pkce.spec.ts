import { describe, expect, it } from 'vitest';
import {
  assertCodeChallenge,
  codeChallengeS256,
  generateCodeVerifier,
  verifyPkce,
  type PkceCheck,
} from './pkce.js';

// RFC 7636 Appendix B.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

describe('code verifiers and challenges', () => {
  it('computes the RFC 7636 S256 example', () => {
    expect(codeChallengeS256(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('generates distinct verifiers of 43 to 128 characters from the RFC charset', () => {
    const verifiers = [generateCodeVerifier(), generateCodeVerifier(), generateCodeVerifier(96)];
    expect(verifiers.map((v) => v.length)).toEqual([43, 43, 128]);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]+$/);
    expect(new Set(verifiers).size).toBe(3);
    for (const bytes of [31, 97, 1.5])
      expect(codeOf(() => generateCodeVerifier(bytes))).toBe('ERR_AUTH_CONFIG');
  });

  it('refuses to derive a challenge from a malformed verifier', () => {
    for (const verifier of [
      'short',
      'a'.repeat(42),
      'a'.repeat(129),
      `${'a'.repeat(42)}+`,
      `${'a'.repeat(42)}=`,
      null,
    ]) {
      expect(codeOf(() => codeChallengeS256(verifier as string))).toBe('ERR_PKCE_MALFORMED');
    }
    expect(codeChallengeS256(`${'a'.repeat(40)}-._~`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('assertCodeChallenge (authorization request)', () => {
  const cases: Array<[unknown, unknown, string]> = [
    [RFC_CHALLENGE, 'S256', 'accepted'],
    [RFC_CHALLENGE, 'plain', 'ERR_PKCE_METHOD'],
    [RFC_CHALLENGE, undefined, 'ERR_PKCE_METHOD'],
    [RFC_CHALLENGE, 's256', 'ERR_PKCE_METHOD'],
    [undefined, 'S256', 'ERR_PKCE_MISSING'],
    [null, 'S256', 'ERR_PKCE_MISSING'],
    ['', 'S256', 'ERR_PKCE_MISSING'],
    ['too-short', 'S256', 'ERR_PKCE_MALFORMED'],
    [`${RFC_CHALLENGE}=`, 'S256', 'ERR_PKCE_MALFORMED'],
    [RFC_CHALLENGE.replace('-', '+'), 'S256', 'ERR_PKCE_MALFORMED'],
    [42, 'S256', 'ERR_PKCE_MALFORMED'],
  ];
  it.each(cases)('challenge %j with method %j → %s', (challenge, method, expected) => {
    expect(codeOf(() => assertCodeChallenge(challenge as string, method as string))).toBe(expected);
  });
});

describe('verifyPkce (token request)', () => {
  const good: PkceCheck = { challenge: RFC_CHALLENGE, method: 'S256', verifier: RFC_VERIFIER };
  const other = generateCodeVerifier();
  const cases: Array<[string, Partial<PkceCheck>, string]> = [
    ['the right verifier', {}, 'accepted'],
    ['a fresh pair', { challenge: codeChallengeS256(other), verifier: other }, 'accepted'],
    [
      'plain, verifier equal to challenge',
      { method: 'plain', challenge: other, verifier: other },
      'ERR_PKCE_METHOD',
    ],
    ['no method', { method: undefined }, 'ERR_PKCE_METHOD'],
    [
      'a verifier for a code issued without challenge',
      { challenge: undefined, method: undefined },
      'ERR_PKCE_MISSING',
    ],
    ['no verifier', { verifier: undefined }, 'ERR_PKCE_MISSING'],
    ['an empty verifier', { verifier: '' }, 'ERR_PKCE_MISSING'],
    ['a null verifier', { verifier: null }, 'ERR_PKCE_MISSING'],
    ['the wrong verifier', { verifier: other }, 'ERR_PKCE_MISMATCH'],
    ['the challenge sent as verifier', { verifier: RFC_CHALLENGE }, 'ERR_PKCE_MISMATCH'],
    ['a malformed verifier', { verifier: 'short' }, 'ERR_PKCE_MALFORMED'],
    ['a verifier with illegal characters', { verifier: `${RFC_VERIFIER}/` }, 'ERR_PKCE_MALFORMED'],
  ];
  it.each(cases)('%s → %s', (_name, override, expected) => {
    expect(codeOf(() => verifyPkce({ ...good, ...override }))).toBe(expected);
  });
});
