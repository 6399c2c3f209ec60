import { describe, expect, it } from 'vitest';
import { MediaError } from '../errors.js';
import { resolveParams } from '../jobs/params.js';
import { displaySize, parseProbe, type VideoProbe } from './probe-parse.js';
import { decidePlayback, posterArgs, remuxArgs, scaledSize, timemarkToMs, transcodeArgs } from './video-args.js';

/** ffprobe JSON for a video, built from the few fields a test varies. */
function rawProbe(o: { codec?: string; pix?: string; profile?: string; audio?: string | null; format?: string; brand?: string; w?: number; h?: number; rotation?: number; rotateTag?: string; duration?: string; tags?: Record<string, string> } = {}) {
  const video = {
    codec_type: 'video',
    codec_name: o.codec ?? 'h264',
    profile: o.profile ?? 'High',
    pix_fmt: o.pix ?? 'yuv420p',
    width: o.w ?? 1920,
    height: o.h ?? 1080,
    avg_frame_rate: '30000/1001',
    ...(o.rotation !== undefined ? { side_data_list: [{ side_data_type: 'Display Matrix', rotation: o.rotation }] } : {}),
    tags: o.rotateTag ? { rotate: o.rotateTag } : {},
  };
  const audio = o.audio === null ? [] : [{ codec_type: 'audio', codec_name: o.audio ?? 'aac', channels: 2 }];
  return {
    streams: [video, ...audio],
    format: { format_name: o.format ?? 'mov,mp4,m4a,3gp,3g2,mj2', duration: o.duration ?? '12.5', bit_rate: '8000000', tags: { major_brand: o.brand ?? 'isom', ...o.tags } },
  };
}
const probe = (o: Parameters<typeof rawProbe>[0] = {}): VideoProbe => parseProbe(rawProbe(o));

describe('parseProbe', () => {
  it('reads streams, duration and tags', () => {
    const p = probe({ tags: { 'com.apple.quicktime.make': 'Apple' } });
    expect(p).toMatchObject({ majorBrand: 'isom', durationMs: 12500, bitRate: 8000000, audio: { codec: 'aac', channels: 2 } });
    expect(p.video).toMatchObject({ codec: 'h264', width: 1920, height: 1080, rotation: 0, frameRate: 29.97 });
    expect(p.tags['com.apple.quicktime.make']).toBe('Apple');
  });
  it.each([
    [{ rotation: -90 }, 90, { width: 1080, height: 1920 }],
    [{ rotation: 90 }, 270, { width: 1080, height: 1920 }],
    [{ rotation: 180 }, 180, { width: 1920, height: 1080 }],
    [{ rotation: -180 }, 180, { width: 1920, height: 1080 }],
    [{ rotateTag: '90' }, 90, { width: 1080, height: 1920 }],
    [{ rotateTag: 'x' }, 0, { width: 1920, height: 1080 }],
  ])('rotation %j → %i° clockwise, displayed %j', (o, rotation, size) => {
    const p = probe(o);
    expect(p.video.rotation).toBe(rotation);
    expect(displaySize(p)).toEqual(size);
  });
  it.each([
    ['no streams', { streams: [], format: {} }],
    ['audio only', { streams: [{ codec_type: 'audio', codec_name: 'aac' }], format: {} }],
    ['cover art only', { streams: [{ codec_type: 'video', codec_name: 'mjpeg', width: 10, height: 10, disposition: { attached_pic: 1 } }], format: {} }],
    ['not an object', 'garbage'],
  ])('refuses %s as unsupported', (_name, raw) => {
    expect(() => parseProbe(raw)).toThrow(MediaError);
    try {
      parseProbe(raw);
    } catch (error) {
      expect((error as MediaError).reason).toBe('unsupported');
    }
  });
});

describe('decidePlayback', () => {
  it.each([
    ['H.264/AAC in MP4', {}, 'original'],
    ['H.264 without audio in MP4', { audio: null }, 'original'],
    ['H.264/AAC in an mp42 MP4', { brand: 'mp42' }, 'original'],
    ['H.264/AAC in MOV', { brand: 'qt  ' }, 'remux'],
    ['H.264/AAC in MKV', { format: 'matroska,webm', brand: '' }, 'remux'],
    ['HEVC in MOV (iPhone)', { codec: 'hevc', brand: 'qt  ' }, 'transcode'],
    ['VP9 in WebM', { codec: 'vp9', format: 'matroska,webm', audio: 'opus' }, 'transcode'],
    ['H.264 High 10', { profile: 'High 10', pix: 'yuv420p10le' }, 'transcode'],
    ['H.264 4:2:2', { profile: 'High 4:2:2', pix: 'yuv422p' }, 'transcode'],
    ['H.264 with MP3 audio', { audio: 'mp3' }, 'transcode'],
    ['MPEG-4 part 2 in AVI', { codec: 'mpeg4', format: 'avi' }, 'transcode'],
  ] as const)('%s → %s', (_name, o, expected) => {
    expect(decidePlayback(probe(o))).toBe(expected);
  });
});

describe('scaledSize', () => {
  it.each([
    [1920, 1080, 720, 1280, 720],
    [1080, 1920, 720, 720, 1280],
    [3840, 2160, 720, 1280, 720],
    [640, 480, 720, 640, 480],
    [1440, 1080, 720, 960, 720],
    [1001, 563, 360, 640, 360],
    [3, 3, 720, 4, 4],
  ])('%i×%i at %i → %i×%i', (w, h, edge, ew, eh) => {
    expect(scaledSize(w, h, edge)).toEqual({ width: ew, height: eh });
  });
});

describe('ffmpeg arguments', () => {
  const params = resolveParams({});
  const pair = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];

  it('transcodes to H.264 at 720p, CRF and preset from the params, faststart MP4', () => {
    const { input, output } = transcodeArgs(probe({ codec: 'hevc', audio: 'aac' }), resolveParams({ videoCrf: 28, videoPreset: 'veryfast' }));
    expect(input).toContain('-nostdin');
    expect(pair(output, '-c:v')).toBe('libx264');
    expect(pair(output, '-crf')).toBe('28');
    expect(pair(output, '-preset')).toBe('veryfast');
    expect(pair(output, '-vf')).toBe('scale=1280:720');
    expect(pair(output, '-pix_fmt')).toBe('yuv420p');
    expect(pair(output, '-movflags')).toBe('+faststart');
    expect(pair(output, '-c:a')).toBe('copy');
    expect(pair(output, '-f')).toBe('mp4');
  });
  it('sizes a rotated phone video from its displayed (portrait) size', () => {
    expect(pair(transcodeArgs(probe({ codec: 'hevc', rotation: -90 }), params).output, '-vf')).toBe('scale=720:1280');
  });
  it('re-encodes audio that is not AAC and drops audio that is absent', () => {
    expect(pair(transcodeArgs(probe({ audio: 'opus' }), params).output, '-c:a')).toBe('aac');
    const silent = transcodeArgs(probe({ audio: null }), params).output;
    expect(silent).toContain('-an');
    expect(silent).not.toContain('0:a:0');
  });
  it('remuxes by copying streams into a faststart MP4', () => {
    const { output } = remuxArgs(probe({ brand: 'qt  ' }));
    expect(pair(output, '-c')).toBe('copy');
    expect(pair(output, '-movflags')).toBe('+faststart');
  });
  it('takes the poster at 10 % of the duration, at most 1 s, sized like a preview', () => {
    expect(pair(posterArgs(probe({ duration: '4' }), params).input, '-ss')).toBe('0.400');
    expect(pair(posterArgs(probe({ duration: '60' }), params).input, '-ss')).toBe('1.000');
    expect(pair(posterArgs(probe({ w: 3840, h: 2160 }), params).output, '-vf')).toBe('scale=2560:1440');
    expect(pair(posterArgs(probe({ w: 640, h: 480 }), params).output, '-vf')).toBe('scale=640:480');
  });
  it.each([
    ['00:00:01.50', 1500],
    ['01:02:03.04', 3723040],
    ['1:2:3', null],
    [undefined, null],
  ])('timemark %j → %j ms', (mark, ms) => {
    expect(timemarkToMs(mark)).toBe(ms);
  });
});
