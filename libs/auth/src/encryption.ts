import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { AuthError } from './errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const CIPHER = 'aes-256-gcm';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The key behind `ATRIUM_SECRET_KEY`. It seals secrets at rest (signing keys, TOTP secrets, node
 * credentials) with AES-256-GCM and never shows its bytes: it has no enumerable state to log.
 * Build it with {@link parseSecretKey}.
 */
export class SecretKey {
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
  }

  /** Same as {@link parseSecretKey}. */
  static parse(value: string, name = 'ATRIUM_SECRET_KEY'): SecretKey {
    const bytes = decodeSecretKey(value, name);
    const key = new SecretKey(createSecretKey(bytes));
    bytes.fill(0);
    return key;
  }

  /**
   * Encrypts `plaintext` into `v1.<iv>.<ciphertext>.<tag>` (base64url parts, a random 96-bit IV).
   * `associatedData` names the record (e.g. `signing-key:<kid>`): the result only opens with the
   * same value, so a ciphertext cannot be moved to another record.
   */
  encrypt(plaintext: string, associatedData: string): string {
    const aad = toAad(associatedData);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.#key, iv, { authTagLength: TAG_BYTES }).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()].map(encodePart).join('.');
  }

  /**
   * Opens what {@link SecretKey.encrypt} sealed. A malformed string or unknown version throws
   * `ERR_SECRET_MALFORMED`; a wrong key, wrong associated data or any tampering `ERR_SECRET_DECRYPT`.
   */
  decrypt(sealed: string, associatedData: string): string {
    const aad = toAad(associatedData);
    const { iv, ciphertext, tag } = splitSealed(sealed);
    const decipher = createDecipheriv(CIPHER, this.#key, iv, { authTagLength: TAG_BYTES }).setAAD(aad);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new AuthError('ERR_SECRET_DECRYPT', 'secret cannot be decrypted with this key for this record', {
        cause,
      });
    }
  }
}

/**
 * Parses `ATRIUM_SECRET_KEY`: exactly 32 bytes in canonical base64 (standard or URL alphabet,
 * padding optional). Anything else throws `ERR_SECRET_KEY_INVALID` naming `name`, never the value.
 */
export function parseSecretKey(value: string, name = 'ATRIUM_SECRET_KEY'): SecretKey {
  return SecretKey.parse(value, name);
}

/** A fresh value for `ATRIUM_SECRET_KEY`: 32 random bytes, standard base64. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function decodeSecretKey(value: string, name: string): Buffer {
  const hint = `${name} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`;
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (!BASE64.test(trimmed)) throw new AuthError('ERR_SECRET_KEY_INVALID', `${hint}; it is not base64`);
  const bytes = Buffer.from(trimmed, 'base64');
  const canonical = trimmed.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
  if (bytes.toString('base64url') !== canonical) {
    throw new AuthError('ERR_SECRET_KEY_INVALID', `${hint}; it is not canonical base64`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new AuthError('ERR_SECRET_KEY_INVALID', `${hint}; it decodes to ${bytes.length} bytes`);
  }
  return bytes;
}

// The version is bound into the associated data, so a future format cannot be confused with v1.
function toAad(associatedData: string): Buffer {
  if (typeof associatedData !== 'string' || associatedData.length === 0) {
    throw new AuthError('ERR_AUTH_CONFIG', 'associated data must name the record');
  }
  return Buffer.from(`atrium:${VERSION}:${associatedData}`, 'utf8');
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}

function splitSealed(sealed: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new AuthError('ERR_SECRET_MALFORMED', `sealed secret must be ${VERSION}.<iv>.<ciphertext>.<tag>`);
  }
  const [iv, ciphertext, tag] = parts.slice(1).map(decodePart) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new AuthError('ERR_SECRET_MALFORMED', 'sealed secret has a wrong IV or tag length');
  }
  return { iv, ciphertext, tag };
}

// Canonical base64url only: a part that decodes to the same bytes from another spelling is refused.
function decodePart(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (!BASE64URL.test(part) || bytes.toString('base64url') !== part) {
    throw new AuthError('ERR_SECRET_MALFORMED', 'sealed secret is not canonical base64url');
  }
  return bytes;
}
