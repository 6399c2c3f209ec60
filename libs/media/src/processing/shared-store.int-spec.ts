import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaError } from '../errors.js';
import { hashFile } from '../hash.js';
import { makeContext } from '../test/context.js';
import { makeNoisePhoto, makeVideo, tempDir } from '../test/fixtures.js';
import { processMediaJob } from './process-job.js';

const dir = tempDir();
const shared = join(dir.path, 'shared');
const family = makeContext(dir.path, { name: 'family', shared });
const studio = makeContext(dir.path, { name: 'studio', shared });
afterAll(() => dir.remove());

async function both(name: string, bytes: Buffer) {
  for (const ctx of [family, studio]) writeFileSync(join(ctx.originalsPath, name), bytes);
  return { assetId: 'a1', relPath: name, contentHash: await hashFile(join(family.originalsPath, name)) };
}

describe('the shared derivative store', () => {
  it('lets a second instance reuse the first one’s thumbnails and metadata, byte for byte', async () => {
    const job = await both('same.jpg', await makeNoisePhoto(1600, 1200));
    const first = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, family);
    const second = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, studio);
    expect([first.shared, second.shared]).toEqual([false, true]);
    expect({ ...second, shared: false }).toEqual(first);
    for (const kind of ['thumb', 'preview'] as const) {
      const a = join(family.cachePath, first.outputs[kind]!);
      const b = join(studio.cachePath, second.outputs[kind]!);
      expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
      expect(statSync(b).ino).toBe(statSync(a).ino);
    }
    const meta1 = await processMediaJob('metadata', { ...job, kinds: [], params: {} }, family);
    const meta2 = await processMediaJob('metadata', { ...job, kinds: [], params: {} }, studio);
    expect([meta2.shared, meta2.metadata]).toEqual([true, meta1.metadata]);
  });

  it('keys variants by parameters: another quality is made afresh', async () => {
    const job = await both('params.jpg', await makeNoisePhoto(800, 600));
    await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: {} }, family);
    const other = await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: { thumbQuality: 40 } }, studio);
    const subset = await processMediaJob('thumbnails', { ...job, kinds: ['thumb', 'preview'], params: {} }, studio);
    expect([other.shared, subset.shared]).toEqual([false, false]);
  });

  it('shares the playback decision and transcode of a video', async () => {
    await makeVideo(join(dir.path, 'clip.mkv'), { width: 320, height: 240, codec: 'mpeg4', container: 'matroska' });
    const job = await both('clip.mkv', readFileSync(join(dir.path, 'clip.mkv')));
    const first = await processMediaJob('video', { ...job, kinds: ['video'], params: {} }, family);
    const second = await processMediaJob('video', { ...job, kinds: ['video'], params: {} }, studio);
    expect([first.playback, second.playback, second.shared]).toEqual(['transcode', 'transcode', true]);
    expect(readFileSync(join(studio.cachePath, second.outputs.video!)).equals(readFileSync(join(family.cachePath, first.outputs.video!)))).toBe(true);
  });

  it('refuses a job whose content hash does not match the file, so nothing foreign is shared or reused', async () => {
    const job = await both('victim.jpg', await makeNoisePhoto(640, 480));
    await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: {} }, family);
    writeFileSync(join(studio.originalsPath, 'other.jpg'), await makeNoisePhoto(640, 480));
    const error = await processMediaJob('thumbnails', { ...job, relPath: 'other.jpg', kinds: ['thumb'], params: {} }, studio).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toBe('stale');
  });

  it('notices a file rewritten after its hash was verified once', async () => {
    const job = await both('rewritten.jpg', await makeNoisePhoto(320, 240));
    await processMediaJob('metadata', { ...job, kinds: [], params: {} }, family);
    writeFileSync(join(family.originalsPath, 'rewritten.jpg'), await makeNoisePhoto(320, 240));
    const error = await processMediaJob('thumbnails', { ...job, kinds: ['thumb'], params: {} }, family).catch((e: unknown) => e);
    expect((error as MediaError).reason).toBe('stale');
  });
});
