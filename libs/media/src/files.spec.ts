import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkOrCopyAtomic, sweepStaleTemps, tempPathFor, writeFileAtomic } from './files.js';
import { hashFile } from './hash.js';
import { tempDir } from './test/fixtures.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('atomic files', () => {
  it('writes through a temporary name and leaves no temporary behind', async () => {
    const target = join(dir.path, 'a', 'b', 'thumb.webp');
    await writeFileAtomic(target, 'first');
    await writeFileAtomic(target, 'second');
    expect(readFileSync(target, 'utf8')).toBe('second');
    expect(readdirSync(join(dir.path, 'a', 'b'))).toEqual(['thumb.webp']);
  });

  it('names temporaries hidden, beside the target, ending in .tmp', () => {
    const temp = tempPathFor('/cache/x/video.mp4');
    expect(temp).toMatch(/^\/cache\/x\/\.\d+-[0-9a-f]{12}\.video\.mp4\.tmp$/);
    expect(tempPathFor('/cache/x/video.mp4')).not.toBe(temp);
  });

  it('hard-links on one file system', async () => {
    const source = join(dir.path, 'src.bin');
    writeFileSync(source, 'payload');
    expect(await linkOrCopyAtomic(source, join(dir.path, 'linked', 'dst.bin'))).toBe('link');
    expect(statSync(join(dir.path, 'linked', 'dst.bin')).ino).toBe(statSync(source).ino);
  });

  it('sweeps only stale temporaries', async () => {
    const sweep = join(dir.path, 'sweep');
    await writeFileAtomic(join(sweep, 'keep.jpg'), 'x');
    const stale = join(sweep, '.1-aaaaaaaaaaaa.video.mp4.tmp');
    const fresh = join(sweep, '.2-bbbbbbbbbbbb.video.mp4.tmp');
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'half');
    utimesSync(stale, new Date(0), new Date(0));
    expect(await sweepStaleTemps(sweep, 60_000)).toBe(1);
    expect([existsSync(stale), existsSync(fresh), existsSync(join(sweep, 'keep.jpg'))]).toEqual([false, true, true]);
    expect(await sweepStaleTemps(join(dir.path, 'none'), 1)).toBe(0);
  });

  it('hashes content with SHA-256', async () => {
    const file = join(dir.path, 'hash.txt');
    writeFileSync(file, 'abc');
    expect(await hashFile(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
