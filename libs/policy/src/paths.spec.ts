import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPolicyError } from './errors.js';
import {
  MAX_PATH_LENGTH,
  assertSafeUsername,
  expandFolder,
  isWithinPath,
  normalizeFolder,
  normalizeRelativePath,
} from './paths.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPolicyError(error) ? error.code : 'not a PolicyError';
  }
  return undefined;
}

describe('normalizeRelativePath', () => {
  it.each([
    ['family/alice', 'family/alice'],
    ['family//alice/', 'family/alice'],
    ['./family/./alice/.', 'family/alice'],
    ['', ''],
    ['.', ''],
    ['Family/Ålice', 'Family/Ålice'],
    ['a..b/..c/d..', 'a..b/..c/d..'],
    ['~/photos', '~/photos'],
    [' spaced / name ', ' spaced / name '],
  ])('%j → %j', (input, output) => {
    expect(normalizeRelativePath(input)).toBe(output);
  });

  it.each([
    ['..', 'ERR_PATH_TRAVERSAL'],
    ['../etc', 'ERR_PATH_TRAVERSAL'],
    ['family/../../etc', 'ERR_PATH_TRAVERSAL'],
    ['family/..', 'ERR_PATH_TRAVERSAL'],
    ['a/./../b', 'ERR_PATH_TRAVERSAL'],
    ['/etc/passwd', 'ERR_PATH_ABSOLUTE'],
    ['//server/share', 'ERR_PATH_ABSOLUTE'],
    ['/', 'ERR_PATH_ABSOLUTE'],
    ['C:/Users', 'ERR_PATH_ABSOLUTE'],
    ['c:photos', 'ERR_PATH_ABSOLUTE'],
    ['./c:photos', 'ERR_PATH_ABSOLUTE'],
    ['.//D:', 'ERR_PATH_ABSOLUTE'],
    ['family\u0000/alice', 'ERR_PATH_INVALID'],
    ['family/alice\u0000', 'ERR_PATH_INVALID'],
    ['family\\..\\etc', 'ERR_PATH_INVALID'],
    ['\\\\server\\share', 'ERR_PATH_INVALID'],
    ['line\nbreak', 'ERR_PATH_INVALID'],
    ['del\u007f', 'ERR_PATH_INVALID'],
    ['a'.repeat(MAX_PATH_LENGTH + 1), 'ERR_PATH_TOO_LONG'],
    [null, 'ERR_PATH_INVALID'],
    [undefined, 'ERR_PATH_INVALID'],
    [42, 'ERR_PATH_INVALID'],
    [['a'], 'ERR_PATH_INVALID'],
  ])('refuses %j with %s', (input, code) => {
    expect(codeOf(() => normalizeRelativePath(input))).toBe(code);
  });

  it('accepts a path of exactly the maximum length', () => {
    expect(normalizeRelativePath('a'.repeat(MAX_PATH_LENGTH))).toHaveLength(MAX_PATH_LENGTH);
  });

  it('returns a relative path without "..", empty or "." segments, or accepts nothing', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'b', '/', '.', '\\', '\u0000', ':', 'é') }),
        (input) => {
          let out: string;
          try {
            out = normalizeRelativePath(input);
          } catch (error) {
            expect(isPolicyError(error)).toBe(true);
            return;
          }
          expect(out.startsWith('/')).toBe(false);
          expect(out.endsWith('/')).toBe(false);
          for (const segment of out === '' ? [] : out.split('/')) {
            expect(['', '.', '..']).not.toContain(segment);
          }
          expect(out.includes('\u0000') || out.includes('\\')).toBe(false);
          expect(normalizeRelativePath(out)).toBe(out);
        },
      ),
    );
  });
});

describe('normalizeFolder', () => {
  it('maps absent and root folders to null', () => {
    expect(normalizeFolder(null)).toBeNull();
    expect(normalizeFolder(undefined)).toBeNull();
    expect(normalizeFolder('')).toBeNull();
    expect(normalizeFolder('./')).toBeNull();
    expect(normalizeFolder('uploads/')).toBe('uploads');
    expect(codeOf(() => normalizeFolder('/'))).toBe('ERR_PATH_ABSOLUTE');
  });
});

describe('expandFolder', () => {
  it('expands {username} wherever it stands', () => {
    expect(expandFolder('people/{username}', 'alice')).toBe('people/alice');
    expect(expandFolder('{username}/uploads/{username}', 'bob')).toBe('bob/uploads/bob');
    expect(expandFolder('shared', '../../root')).toBe('shared');
    expect(expandFolder(null, 'alice')).toBeNull();
    expect(expandFolder(undefined, 'alice')).toBeNull();
    expect(expandFolder('{username}', 'oidc:alice@example.org')).toBe('oidc:alice@example.org');
    expect(expandFolder('people/{user}', 'alice')).toBe('people/{user}');
  });

  it.each([
    ['people/{username}', '..', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', '.', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'alice/../../etc', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'a/b', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', '/root', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'a\\b', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'alice\u0000', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', '', 'ERR_USERNAME_UNSAFE'],
    ['people/{username}', 'x'.repeat(256), 'ERR_USERNAME_UNSAFE'],
    ['{username}', '..', 'ERR_USERNAME_UNSAFE'],
    ['.{username}', '.', 'ERR_USERNAME_UNSAFE'],
    ['/home/{username}', 'alice', 'ERR_PATH_ABSOLUTE'],
    ['../{username}', 'alice', 'ERR_PATH_TRAVERSAL'],
    ['people\u0000/{username}', 'alice', 'ERR_PATH_INVALID'],
  ])('refuses template %j with username %j: %s', (template, username, code) => {
    expect(codeOf(() => expandFolder(template, username))).toBe(code);
  });

  it('refuses a non-string template', () => {
    expect(codeOf(() => expandFolder(7 as unknown as string, 'alice'))).toBe('ERR_PATH_INVALID');
  });

  it('never lets a username leave its folder', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12, unit: fc.constantFrom('a', '.', '/', '\\', '\u0000', ' ') }),
        (username) => {
          let out: string | null;
          try {
            out = expandFolder('people/{username}', username);
          } catch (error) {
            expect(isPolicyError(error, 'ERR_USERNAME_UNSAFE')).toBe(true);
            return;
          }
          expect(out).toBe(`people/${username}`);
          expect(isWithinPath(out!, 'people')).toBe(true);
        },
      ),
    );
  });

  it('checks usernames on their own', () => {
    expect(() => assertSafeUsername('alice')).not.toThrow();
    expect(codeOf(() => assertSafeUsername(undefined))).toBe('ERR_USERNAME_UNSAFE');
  });
});

describe('isWithinPath', () => {
  it.each([
    ['family/alice/a.jpg', 'family/alice', true],
    ['family/alice', 'family/alice', true],
    ['family/alice', 'family/alice/', true],
    ['family/alicex/a.jpg', 'family/alice', false],
    ['family/a.jpg', 'family/alice', false],
    ['Family/alice/a.jpg', 'family/alice', false],
    ['anything/at/all', '', true],
    ['./family//alice/a.jpg', 'family/alice', true],
  ])('%j within %j: %s', (path, folder, within) => {
    expect(isWithinPath(path, folder)).toBe(within);
  });

  it('refuses hostile paths on either side', () => {
    expect(codeOf(() => isWithinPath('family/alice/../../etc', 'family/alice'))).toBe('ERR_PATH_TRAVERSAL');
    expect(codeOf(() => isWithinPath('family/alice', '/family'))).toBe('ERR_PATH_ABSOLUTE');
  });
});
