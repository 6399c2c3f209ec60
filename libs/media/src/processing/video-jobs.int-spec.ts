import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../video/binaries.js';
import { probeVideo } from '../video/probe.js';
import { makeContext } from '../test/context.js';
import { ffprobeJson, makeVideo, tempDir } from '../test/fixtures.js';
import { hashFile } from '../hash.js';
import { processMediaJob } from './process-job.js';

const dir = tempDir();
const ctx = makeContext(dir.path);
const progress: number[] = [];
const job = async (name: string) => {
  const path = join(ctx.originalsPath, name);
  return { assetId: name.replace(/\W/g, '-'), relPath: name, contentHash: await hashFile(path) };
};

beforeAll(async () => {
  // An iPhone-style clip: HEVC/AAC in MOV, held upright (rotated 90°), with place, camera and local time.
  await makeVideo(join(ctx.originalsPath, 'IMG_0042.MOV'), {
    width: 320,
    height: 240,
    codec: 'libx265',
    audio: true,
    container: 'mov',
    rotation: 90,
    metadata: {
      creation_time: '2024-05-01T10:34:56Z',
      'com.apple.quicktime.creationdate': '2024-05-01T12:34:56+0200',
      'com.apple.quicktime.location.ISO6709': '+48.8584+002.2945+035.000/',
      'com.apple.quicktime.make': 'Apple',
      'com.apple.quicktime.model': 'iPhone 15',
      location: '+48.8584+002.2945+035.000/',
    },
  });
  // A portrait clip stored upright, MPEG-4 part 2 in Matroska: needs a transcode, shrunk to 720 wide.
  await makeVideo(join(ctx.originalsPath, 'portrait.mkv'), { width: 1080, height: 1920, codec: 'mpeg4', fps: 5, container: 'matroska' });
  // Already browser-playable: H.264/AAC in MP4.
  await makeVideo(join(ctx.originalsPath, 'ok.mp4'), { width: 320, height: 240, audio: true });
}, 60_000);
afterAll(() => dir.remove());

describe('phone video', () => {
  it('reads zone, place, camera, duration and the displayed (rotated) size', async () => {
    const outcome = await processMediaJob('metadata', { ...(await job('IMG_0042.MOV')), kinds: [], params: {} }, ctx);
    expect(outcome.metadata).toMatchObject({
      mime: 'video/quicktime',
      mediaType: 'video',
      width: 240,
      height: 320,
      takenAt: '2024-05-01T10:34:56.000Z',
      takenAtLocal: '2024-05-01T12:34:56.000',
      timeZone: '+02:00',
      make: 'Apple',
      model: 'iPhone 15',
      gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
      video: { videoCodec: 'hevc', audioCodec: 'aac', rotation: 90 },
    });
    expect(outcome.metadata?.durationMs).toBeGreaterThanOrEqual(900);
    expect(outcome.metadata?.durationMs).toBeLessThanOrEqual(1100);
  });

  it('makes an upright poster, tile and preview from a frame', async () => {
    const outcome = await processMediaJob('thumbnails', { ...(await job('IMG_0042.MOV')), kinds: ['poster', 'thumb', 'preview'], params: {} }, ctx);
    const poster = await sharp(join(ctx.cachePath, outcome.outputs.poster!)).metadata();
    const thumb = await sharp(join(ctx.cachePath, outcome.outputs.thumb!)).metadata();
    const preview = await sharp(join(ctx.cachePath, outcome.outputs.preview!)).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(['jpeg', 240, 320]);
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 240, 320]);
    expect([preview.format, preview.width, preview.height]).toEqual(['jpeg', 240, 320]);
    expect([outcome.width, outcome.height, outcome.placeholder?.length]).toEqual([240, 320, expect.any(Number)]);
  });

  it('transcodes HEVC to an upright H.264/AAC faststart MP4, reporting progress', async () => {
    const outcome = await processMediaJob('video', { ...(await job('IMG_0042.MOV')), kinds: ['video'], params: {} }, { ...ctx, onProgress: (p) => progress.push(p) });
    expect(outcome.playback).toBe('transcode');
    const out = join(ctx.cachePath, outcome.outputs.video!);
    const probe = await ffprobeJson(out);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect([video.codec_name, video.pix_fmt, video.width, video.height, video.side_data_list]).toEqual(['h264', 'yuv420p', 240, 320, undefined]);
    expect(audio.codec_name).toBe('aac');
    const bytes = readFileSync(out);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    expect(progress.at(-1)).toBeGreaterThan(0);
  });
});

describe('other videos', () => {
  it('transcodes a portrait clip to 720×1280 at the requested CRF', async () => {
    const outcome = await processMediaJob('video', { ...(await job('portrait.mkv')), kinds: ['video'], params: { videoCrf: 30 } }, ctx);
    const probe = await ffprobeJson(join(ctx.cachePath, outcome.outputs.video!));
    expect(probe.streams.map((s) => [s.codec_type, s.codec_name, s.width, s.height])).toEqual([['video', 'h264', 720, 1280]]);
    const meta = await processMediaJob('metadata', { ...(await job('portrait.mkv')), kinds: [], params: {} }, ctx);
    expect(meta.metadata).toMatchObject({ width: 1080, height: 1920, takenAt: null, gps: null, video: { rotation: 0, audioCodec: null } });
  });

  it('leaves a browser-playable MP4 alone', async () => {
    const outcome = await processMediaJob('video', { ...(await job('ok.mp4')), kinds: ['video'], params: {} }, ctx);
    expect([outcome.playback, outcome.outputs]).toEqual(['original', {}]);
  });

  it('remuxes H.264/AAC in MOV without re-encoding, keeping the rotation', async () => {
    await makeVideo(join(ctx.originalsPath, 'h264.mov'), { width: 320, height: 240, audio: true, container: 'mov', rotation: 90 });
    const outcome = await processMediaJob('video', { ...(await job('h264.mov')), kinds: ['video'], params: {} }, ctx);
    expect(outcome.playback).toBe('remux');
    const probe = await ffprobeJson(join(ctx.cachePath, outcome.outputs.video!));
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    expect([video.codec_name, video.width, (video.side_data_list as Array<{ rotation: number }>)[0]?.rotation]).toEqual(['h264', 320, -90]);
    expect((probe.format.tags as Record<string, string>).major_brand).toBe('isom');
  });

  it('probes with the bundled ffprobe when the system has none', async () => {
    const bundled = locateFfmpeg('/nonexistent');
    expect(bundled.source).toEqual({ ffmpeg: 'bundled', ffprobe: 'bundled' });
    const probe = await probeVideo(join(ctx.originalsPath, 'ok.mp4'), { ffprobe: bundled.ffprobe, timeoutMs: 10_000 });
    expect([probe.video.codec, probe.video.width, probe.audio?.codec]).toEqual(['h264', 320, 'aac']);
  });
});
