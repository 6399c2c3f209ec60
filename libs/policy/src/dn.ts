import { PolicyError } from './errors.js';

/** Longest LDAP distinguished name {@link normalizeDn} accepts. */
export const MAX_DN_LENGTH = 4096;

interface ValueChar {
  ch: string;
  escaped: boolean;
}

// RFC 4514 §2.4: characters that must be escaped wherever they occur in a value.
const ALWAYS_ESCAPED = new Set(['\\', '"', '+', ',', ';', '<', '>']);
// Characters a backslash may escape directly (RFC 4514 `special`, plus space and `#`).
const ESCAPABLE = new Set([...ALWAYS_ESCAPED, ' ', '#', '=']);
const ATTRIBUTE_TYPE = /^(?:[a-z][a-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
const HEX_STRING = /^(?:[0-9a-f]{2})+$/;

function invalid(reason: string): PolicyError {
  return new PolicyError('ERR_DN_INVALID', `not a distinguished name: ${reason}`);
}

/** A cursor over the DN text; each `read*` method consumes what it returns. */
class DnReader {
  private index = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.index >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.index);
  }

  next(): string {
    return this.text.charAt(this.index++);
  }

  skipSpaces(): void {
    while (this.peek() === ' ') this.index++;
  }

  readUntil(stops: string): string {
    const start = this.index;
    while (!this.done && !stops.includes(this.peek())) this.index++;
    return this.text.slice(start, this.index);
  }
}

function readType(reader: DnReader): string {
  reader.skipSpaces();
  const type = reader.readUntil('=,+').trim().toLowerCase();
  if (reader.next() !== '=' || !ATTRIBUTE_TYPE.test(type)) throw invalid('bad attribute type');
  reader.skipSpaces();
  return type;
}

function readHexValue(reader: DnReader): string {
  const hex = reader.readUntil(',+').trimEnd().slice(1).toLowerCase();
  if (!HEX_STRING.test(hex)) throw invalid('bad hex value');
  return `#${hex}`;
}

function decodeBytes(bytes: number[], into: ValueChar[]): void {
  if (bytes.length === 0) return;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw invalid('escaped bytes are not UTF-8');
  }
  for (const ch of text) into.push({ ch, escaped: true });
  bytes.length = 0;
}

function readStringChars(reader: DnReader): ValueChar[] {
  const chars: ValueChar[] = [];
  const bytes: number[] = [];
  while (!reader.done && reader.peek() !== ',' && reader.peek() !== '+') {
    const ch = reader.next();
    if (ch === '\\') {
      const escaped = reader.next();
      if (ESCAPABLE.has(escaped)) {
        decodeBytes(bytes, chars);
        chars.push({ ch: escaped, escaped: true });
        continue;
      }
      const pair = escaped + reader.next();
      if (!HEX_PAIR.test(pair)) throw invalid('bad escape');
      bytes.push(Number.parseInt(pair, 16));
      continue;
    }
    if (ALWAYS_ESCAPED.has(ch) || ch === '\u0000') throw invalid(`unescaped "${ch}"`);
    decodeBytes(bytes, chars);
    chars.push({ ch, escaped: false });
  }
  decodeBytes(bytes, chars);
  return chars;
}

// Leading spaces never reach a value (readType skips them after "="), so only the end is trimmed.
function trimTrailingSpaces(chars: ValueChar[]): ValueChar[] {
  let end = chars.length;
  while (end > 0 && chars[end - 1]!.ch === ' ' && !chars[end - 1]!.escaped) end--;
  return chars.slice(0, end);
}

function escapeValue(value: string): string {
  const chars = [...value];
  return chars
    .map((ch, i) => {
      if (ch === '\u0000') return '\\00';
      const edge = (i === 0 && (ch === ' ' || ch === '#')) || (i === chars.length - 1 && ch === ' ');
      return ALWAYS_ESCAPED.has(ch) || edge ? `\\${ch}` : ch;
    })
    .join('');
}

function readValue(reader: DnReader): string {
  if (reader.peek() === '#') return readHexValue(reader);
  const chars = trimTrailingSpaces(readStringChars(reader));
  return escapeValue(chars.map((c) => c.ch.toLowerCase()).join(''));
}

function readRdn(reader: DnReader): string {
  const parts: string[] = [];
  for (;;) {
    const type = readType(reader);
    parts.push(`${type}=${readValue(reader)}`);
    if (reader.peek() !== '+') break;
    reader.next();
  }
  // The order of attributes inside a multi-valued RDN carries no meaning (RFC 4512 §2.3).
  return parts.sort().join('+');
}

/**
 * Normalizes an LDAP distinguished name (RFC 4514) so that two spellings of one group compare
 * equal: attribute types and values lower-cased, spaces around `=`, `,` and `+` removed, escapes
 * rewritten in one canonical form (`\2C` and `\,` both become `\,`; escaped spaces are kept),
 * attributes inside a multi-valued RDN sorted. Hex (`#…`) values are kept, lower-cased.
 * @throws PolicyError `ERR_DN_INVALID` for anything that is not a non-empty DN.
 */
export function normalizeDn(dn: unknown): string {
  if (typeof dn !== 'string' || dn.trim() === '') throw invalid('empty');
  if (dn.length > MAX_DN_LENGTH) throw invalid('too long');
  const reader = new DnReader(dn);
  const rdns: string[] = [readRdn(reader)];
  // readRdn stops only at the end or at the "," that separates two RDNs.
  while (!reader.done) {
    reader.next();
    rdns.push(readRdn(reader));
  }
  return rdns.join(',');
}

/** True when both are DNs and name the same entry after {@link normalizeDn}; false for anything unparsable. */
export function dnEquals(a: string, b: string): boolean {
  const left = tryNormalizeDn(a);
  return left !== null && left === tryNormalizeDn(b);
}

/** {@link normalizeDn}, or `null` when the text is not a DN. */
export function tryNormalizeDn(dn: unknown): string | null {
  try {
    return normalizeDn(dn);
  } catch {
    return null;
  }
}
