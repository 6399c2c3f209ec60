import { extname } from 'node:path';

// C0 and C1 controls, DEL; and the bidirectional controls that make `gpj.exe` look like `exe.jpg`.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\/:*?"<>|]/;
const MAX_NAME_BYTES = 240;

/** Why a file name was refused. */
export type FileNameProblem = 'empty' | 'too_long' | 'unsafe_chars' | 'dot_name' | 'absolute' | 'traversal';

/**
 * The name an upload is stored under, or the reason it is refused: one path segment, NFC, no
 * control or bidirectional-override characters, no characters Windows cannot store, not hidden,
 * at most 240 UTF-8 bytes (room for a ` (n)` suffix inside the usual 255).
 */
export function checkFileName(input: unknown): { name: string } | { problem: FileNameProblem } {
  if (typeof input !== 'string' || input.trim() === '') return { problem: 'empty' };
  if (input.startsWith('/') || /^[A-Za-z]:/.test(input)) return { problem: 'absolute' };
  if (input.split(/[/\\]/).includes('..')) return { problem: 'traversal' };
  const name = input.normalize('NFC');
  if (UNSAFE_CHARS.test(name)) return { problem: 'unsafe_chars' };
  if (name.startsWith('.')) return { problem: 'dot_name' };
  if (name !== name.trim() || name.endsWith('.')) return { problem: 'unsafe_chars' };
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return { problem: 'too_long' };
  return { name };
}

/** `IMG_1.jpg`, then `IMG_1 (2).jpg`, `IMG_1 (3).jpg`, …: the `n`th candidate for a free name. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

// Every unsafe character at once, for names that are handed out rather than refused.
const UNSAFE_GLOBAL = new RegExp(UNSAFE_CHARS.source, 'g');
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS_GLOBAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `name` with its control and bidirectional-override characters as `_`, for a download's
 * Content-Disposition: the browser makes the rest of a name fit its file system, but it shows a
 * right-to-left override as it is (`photo\u202egpj.exe` reads as `photoexe.jpg`).
 */
export function withoutControls(name: string): string {
  return name.replace(CONTROLS_GLOBAL, '_');
}

/**
 * A name to hand out (a zip, a file inside one): the library's names can hold anything a disk
 * stores, so controls, bidirectional overrides, slashes and what Windows cannot store become `_`,
 * and leading dots go (no `..`, nothing hidden); at most `maxChars` characters, `fallback` when
 * nothing is left.
 */
export function outgoingName(name: string, fallback: string, maxChars = 255): string {
  const cleaned = name.normalize('NFC').replace(UNSAFE_GLOBAL, '_').trim().replace(/^\.+/, '');
  return Array.from(cleaned).slice(0, maxChars).join('').trim() || fallback;
}
