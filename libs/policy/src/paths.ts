import { PolicyError } from './errors.js';

/** Longest path, in UTF-16 code units, that a base path, upload path or asset path may have. */
export const MAX_PATH_LENGTH = 1024;

/** Placeholder in base and upload paths that is replaced by the account's username. */
export const USERNAME_PLACEHOLDER = '{username}';

// Control characters (NUL included) and backslashes: never part of a path we hand to a filesystem.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_PATH_CHARS = /[\u0000-\u001f\u007f\\]/;
// A drive letter makes a path absolute on Windows clients and means nothing useful here.
const DRIVE_PREFIX = /^[A-Za-z]:/;

/**
 * Normalizes a path relative to the originals root: `.` and empty segments dropped, no leading or
 * trailing slash. The root itself is `''`. Letter case and Unicode form are kept as given.
 * @throws PolicyError `ERR_PATH_INVALID` (not a string, NUL or other control characters, backslash),
 *   `ERR_PATH_ABSOLUTE`, `ERR_PATH_TRAVERSAL` (any `..` segment), `ERR_PATH_TOO_LONG`.
 */
export function normalizeRelativePath(input: unknown): string {
  if (typeof input !== 'string') throw new PolicyError('ERR_PATH_INVALID', 'a path must be a string');
  if (input.length > MAX_PATH_LENGTH) {
    throw new PolicyError('ERR_PATH_TOO_LONG', `a path may have at most ${MAX_PATH_LENGTH} characters`);
  }
  if (FORBIDDEN_PATH_CHARS.test(input)) {
    throw new PolicyError('ERR_PATH_INVALID', 'a path may not contain control characters or backslashes');
  }
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  // Checked on the normalized form too, so `./c:` cannot become a drive path `c:` on a second pass.
  if (input.startsWith('/') || DRIVE_PREFIX.test(input) || DRIVE_PREFIX.test(segments[0] ?? '')) {
    throw new PolicyError('ERR_PATH_ABSOLUTE', 'a path must be relative to the originals root');
  }
  // Refused rather than resolved: a `..` in configuration is a mistake or an attack, never intent.
  if (segments.includes('..')) throw new PolicyError('ERR_PATH_TRAVERSAL', 'a path may not contain ".."');
  return segments.join('/');
}

/**
 * Normalizes an optional folder (a base or upload path): `null`, `undefined` and paths that
 * normalize to the root all become `null`, meaning "no such folder". The root is never a base or
 * upload path; a role that should see the whole library gets a role that does.
 * @throws PolicyError as {@link normalizeRelativePath}.
 */
export function normalizeFolder(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  const path = normalizeRelativePath(input);
  return path === '' ? null : path;
}

/**
 * Refuses a username that cannot stand as one path segment, so `{username}` can never name another
 * folder (`a/b`), climb (`..`), or smuggle a NUL byte.
 * @throws PolicyError `ERR_USERNAME_UNSAFE`.
 */
export function assertSafeUsername(username: unknown): asserts username is string {
  const safe =
    typeof username === 'string' &&
    username.length > 0 &&
    username.length <= 255 &&
    username !== '.' &&
    username !== '..' &&
    !username.includes('/') &&
    !FORBIDDEN_PATH_CHARS.test(username);
  if (!safe) throw new PolicyError('ERR_USERNAME_UNSAFE', 'the username cannot be used in a path');
}

/**
 * Expands `{username}` in a base or upload path template, then normalizes it with {@link normalizeFolder}.
 * The username is checked only when the template uses it.
 * @throws PolicyError `ERR_USERNAME_UNSAFE` or any code of {@link normalizeRelativePath}.
 */
export function expandFolder(template: string | null | undefined, username: string): string | null {
  if (template === null || template === undefined) return null;
  if (typeof template === 'string' && template.includes(USERNAME_PLACEHOLDER)) {
    assertSafeUsername(username);
    return normalizeFolder(template.replaceAll(USERNAME_PLACEHOLDER, username));
  }
  return normalizeFolder(template);
}

/**
 * True when `path` is `folder` itself or lies below it. Both are normalized first, so
 * `family/bob` is inside `family/` but `family/bobby` is not inside `family/bob`.
 * @throws PolicyError as {@link normalizeRelativePath}.
 */
export function isWithinPath(path: string, folder: string): boolean {
  const normalizedPath = normalizeRelativePath(path);
  const normalizedFolder = normalizeRelativePath(folder);
  if (normalizedFolder === '') return true;
  return normalizedPath === normalizedFolder || normalizedPath.startsWith(`${normalizedFolder}/`);
}
