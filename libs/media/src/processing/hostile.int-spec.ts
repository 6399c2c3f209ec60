import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError, type MediaFailureReason } from '../errors.js';
import { hashFile } from '../hash.js';
import type { MediaQueueName } from '../jobs/payload.js';
import { makeContext } from '../test/context.js';
import { makeNoisePhoto, makePixelBombPng, makeVideo, makeVideoBomb, tempDir } from '../test/fixtures.js';
import { processMediaJob } from './process-job.js';

const dir = tempDir();
// Small limits so the hostile inputs stay small and the timeouts short.
const ctx = makeContext(dir.path, { limits: { maxInputPixels: 50_000_000, maxImageBytes: 5_000_000, transcodeTimeoutMs: 3_000, posterTimeoutMs: 3_000 } });
const put = (name: string, bytes: Buffer | string) => writeFileSync(join(ctx.originalsPath, name), bytes);

beforeAll(async () => {
  const photo = await makeNoisePhoto(1200, 900);
  put('truncated.jpg', photo.subarray(0, Math.floor(photo.length * 0.6)));
  put('bomb.png', makePixelBombPng(20_000, 20_000));
  put('header-bomb.jpg', claimingSize(await makeNoisePhoto(64, 64), 60_000, 60_000));
  put('garbage.jpg', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256)));
  put('script.jpg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
  put('empty.jpg', Buffer.alloc(0));
  put('heic.heic', heicHeader());
  put('huge.jpg', Buffer.concat([photo, Buffer.alloc(6_000_000)]));
  writeFileSync(join(dir.path, 'outside.jpg'), photo);
  symlinkSync(join(dir.path, 'outside.jpg'), join(ctx.originalsPath, 'link-out.jpg'));
  execFileSync('mkfifo', [join(ctx.originalsPath, 'pipe.mp4')]);
  await makeVideo(join(dir.path, 'whole.mp4'), { width: 320, height: 240, audio: true, seconds: 2 });
  const whole = execFileSync('cat', [join(dir.path, 'whole.mp4')]);
  put('truncated.mp4', whole.subarray(0, Math.floor(whole.length / 2)));
  put('photo-named.mp4', photo);
  await makeVideoBomb(dir.path, join(ctx.originalsPath, 'hang.mkv'), 120);
}, 60_000);
afterAll(() => dir.remove());

/** A real JPEG whose frame header is rewritten to claim a size no decoder should try. */
function claimingSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

/** The start of an HEIC file (ftyp box, brand heic): the bundled libvips cannot decode HEVC. */
function heicHeader(): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(64)]);
}

async function failure(queue: MediaQueueName, relPath: string, kinds: string[]): Promise<MediaFailureReason | string> {
  const path = join(ctx.originalsPath, relPath);
  // Hashing here would open a FIFO and block: only regular files are hashed.
  const contentHash = existsSync(path) && lstatSync(path).isFile() ? await hashFile(path) : 'f'.repeat(64);
  const error = await processMediaJob(queue, { assetId: 'x', relPath, contentHash, kinds, params: {} }, ctx).then(
    () => 'no error',
    (e: unknown) => e,
  );
  return error instanceof MediaError ? error.reason : String(error);
}

describe('hostile and broken originals fail with a stable reason', () => {
  it.each([
    ['a truncated JPEG', 'thumbnails', 'truncated.jpg', ['thumb'], 'corrupt'],
    ['a PNG pixel bomb', 'thumbnails', 'bomb.png', ['thumb', 'preview'], 'pixel_bomb'],
    ['a JPEG header claiming 3.6 gigapixels', 'thumbnails', 'header-bomb.jpg', ['thumb'], 'pixel_bomb'],
    ['garbage named .jpg', 'thumbnails', 'garbage.jpg', ['thumb'], 'unsupported'],
    ['an SVG named .jpg', 'metadata', 'script.jpg', [], 'unsupported'],
    ['an empty file', 'metadata', 'empty.jpg', [], 'unsupported'],
    ['an HEIC (no HEVC decoder)', 'thumbnails', 'heic.heic', ['thumb'], 'unsupported'],
    ['an image over the byte limit', 'thumbnails', 'huge.jpg', ['thumb'], 'too_large'],
    ['a symlink out of the root', 'metadata', 'link-out.jpg', [], 'forbidden_path'],
    ['a FIFO named .mp4', 'video', 'pipe.mp4', ['video'], 'not_a_file'],
    ['a missing file', 'metadata', 'gone.jpg', [], 'missing'],
    ['a truncated video (probe)', 'metadata', 'truncated.mp4', [], 'corrupt'],
    ['a truncated video (transcode)', 'video', 'truncated.mp4', ['video'], 'corrupt'],
    ['a photo named .mp4, sent to the video queue', 'video', 'photo-named.mp4', ['video'], 'unsupported'],
    ['a poster asked of a photo', 'thumbnails', 'bomb.png', ['poster'], 'unsupported'],
    ['a payload on the wrong queue', 'video', 'truncated.mp4', ['thumb'], 'invalid_payload'],
  ])('%s → %s', async (_name, queue, relPath, kinds, reason) => {
    expect(await failure(queue as MediaQueueName, relPath, kinds)).toBe(reason);
  });

  it('kills ffmpeg when a video makes it run past its timeout, and leaves no temporary file', async () => {
    const started = Date.now();
    expect(await failure('video', 'hang.mkv', ['video'])).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(childFfmpegs()).toEqual([]);
    const hash = await hashFile(join(ctx.originalsPath, 'hang.mkv'));
    expect(readdirSync(join(ctx.cachePath, 'derivatives', hash.slice(0, 2), hash))).toEqual([]);
  });

  it('still renders a good photo after all that', async () => {
    put('good.jpg', await makeNoisePhoto(800, 600));
    const contentHash = await hashFile(join(ctx.originalsPath, 'good.jpg'));
    const outcome = await processMediaJob('thumbnails', { assetId: 'g', relPath: 'good.jpg', contentHash, kinds: ['thumb'], params: {} }, ctx);
    expect(outcome.outputs.thumb).toContain(contentHash);
  });
});

/** ffmpeg processes whose parent is this test process. */
function childFfmpegs(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).toString();
  return out.split('\n').filter((line) => line.includes('ffmpeg'));
}
