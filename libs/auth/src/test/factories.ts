import { base64url } from 'jose';
import { generateSigningJwk, type SigningJwk } from '../keys.js';

/** A fixed instant for tests that freeze the clock: 2026-11-02T10:00:00Z. */
export const NOW = new Date('2026-11-02T10:00:00Z');
/** `NOW` in whole seconds. */
export const NOW_S = Math.floor(NOW.getTime() / 1000);
export const ISSUER = 'https://portal.example.org';
export const AUDIENCE = 'node-family';

/** The same signing keys for every test of a file: generating RSA keys costs CPU. */
export interface TestKeys {
  ed: SigningJwk;
  ed2: SigningJwk;
  rsa: SigningJwk;
  attacker: SigningJwk;
}

let keys: Promise<TestKeys> | undefined;
let loaded: TestKeys | undefined;

/** The test keys, generated on first use; await it in `beforeAll`. */
export function testKeys(): Promise<TestKeys> {
  keys ??= (async () => {
    loaded = {
      ed: await generateSigningJwk('EdDSA'),
      ed2: await generateSigningJwk('EdDSA'),
      rsa: await generateSigningJwk('RS256'),
      attacker: await generateSigningJwk('EdDSA'),
    };
    return loaded;
  })();
  return keys;
}

/** The keys {@link testKeys} generated, for helpers called inside tests. */
export function loadedKeys(): TestKeys {
  return loaded as TestKeys;
}

/** One base64url JSON segment of a compact JWS. */
export function segment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** The decoded JSON of one segment. */
export function decodeSegment(value: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(value))) as Record<string, unknown>;
}

/** `token` with segment `index` (0 header, 1 payload, 2 signature) replaced. */
export function replaceSegment(token: string, index: 0 | 1 | 2, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `value` (base64url) with the top bit of its first character flipped: the decoded bytes change. */
export function flipFirstChar(value: string): string {
  return BASE64URL_ALPHABET[BASE64URL_ALPHABET.indexOf(value[0]!) ^ 32] + value.slice(1);
}
