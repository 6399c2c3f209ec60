import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from './errors.js';
import { derivativeRelPath, resolveOriginal } from './paths.js';
import { tempDir } from './test/fixtures.js';

const HASH = 'ab' + 'c'.repeat(62);

describe('derivative layout', () => {
  it.each([
    ['thumb', 'jpeg', `derivatives/ab/${HASH}/thumb.webp`],
    ['preview', 'jpeg', `derivatives/ab/${HASH}/preview.jpg`],
    ['preview', 'webp', `derivatives/ab/${HASH}/preview.webp`],
    ['poster', 'jpeg', `derivatives/ab/${HASH}/poster.jpg`],
    ['video', 'jpeg', `derivatives/ab/${HASH}/video.mp4`],
  ] as const)('%s (%s preview) → %s', (kind, format, path) => {
    expect(derivativeRelPath(HASH, kind, format)).toBe(path);
  });
});

describe('resolveOriginal', () => {
  const dir = tempDir();
  const root = join(dir.path, 'originals');
  beforeAll(() => {
    mkdirSync(join(root, 'album'), { recursive: true });
    writeFileSync(join(root, 'album', 'a.jpg'), 'x');
    writeFileSync(join(dir.path, 'secret.jpg'), 'secret');
    symlinkSync(join(dir.path, 'secret.jpg'), join(root, 'escape.jpg'));
    symlinkSync(dir.path, join(root, 'escape-dir'));
    symlinkSync(join(root, 'album', 'a.jpg'), join(root, 'inside.jpg'));
    symlinkSync(join(root, 'loop'), join(root, 'loop'));
    execFileSync('mkfifo', [join(root, 'pipe.mp4')]);
  });
  afterAll(() => dir.remove());

  it('resolves a file and a symlink that stays inside the root', async () => {
    expect((await resolveOriginal(root, 'album/a.jpg')).size).toBe(1);
    expect((await resolveOriginal(root, 'inside.jpg')).path).toBe(join(root, 'album', 'a.jpg'));
  });

  it.each([
    ['a symlink to a file outside', 'escape.jpg', 'forbidden_path'],
    ['a path through a symlinked folder outside', 'escape-dir/secret.jpg', 'forbidden_path'],
    ['a symlink loop', 'loop', 'forbidden_path'],
    ['a parent segment', '../secret.jpg', 'forbidden_path'],
    ['an absolute path', join(dir.path, 'secret.jpg'), 'forbidden_path'],
    ['a missing file', 'album/none.jpg', 'missing'],
    ['a path through a file', 'album/a.jpg/x', 'missing'],
    ['a folder', 'album', 'not_a_file'],
    ['a FIFO', 'pipe.mp4', 'not_a_file'],
  ])('refuses %s', async (_name, relPath, reason) => {
    const error = await resolveOriginal(root, relPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toBe(reason);
  });
});
