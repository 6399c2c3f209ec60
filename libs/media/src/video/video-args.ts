import type { ResolvedParams } from '../jobs/params.js';
import type { VideoPlayback } from '../jobs/result.js';
import { displaySize, type VideoProbe } from './probe-parse.js';

const PLAYABLE_PIXEL_FORMATS = ['yuv420p', 'yuvj420p'];
// Browsers decode 8-bit 4:2:0 H.264 only: High 10 and the 4:2:2/4:4:4 profiles play nowhere.
const UNPLAYABLE_PROFILES = /high 10|4:2:2|4:4:4/i;
const MP4_BRANDS = /^(isom|iso[2-9]|mp41|mp42|avc1|m4v |dash|msnv)$/;
const AUDIO_BITRATE = '128k';

/**
 * Whether a video plays in browsers as it is (`original`), needs only its streams copied into a
 * faststart MP4 (`remux`: H.264/AAC in MOV, MKV…), or a transcode to H.264/AAC (`transcode`).
 */
export function decidePlayback(probe: VideoProbe): VideoPlayback {
  if (!hasPlayableStreams(probe)) return 'transcode';
  return isMp4Container(probe) ? 'original' : 'remux';
}

function hasPlayableStreams(probe: VideoProbe): boolean {
  const { codec, pixelFormat, profile } = probe.video;
  const videoOk = codec === 'h264' && PLAYABLE_PIXEL_FORMATS.includes(pixelFormat ?? '') && !UNPLAYABLE_PROFILES.test(profile ?? '');
  return videoOk && (probe.audio === null || probe.audio.codec === 'aac');
}

function isMp4Container(probe: VideoProbe): boolean {
  return probe.formatName.split(',').includes('mp4') && MP4_BRANDS.test(probe.majorBrand ?? '');
}

/**
 * The output size for a displayed `width`×`height` whose shorter edge becomes `edge` (never
 * enlarged), both even as 4:2:0 H.264 requires.
 */
export function scaledSize(width: number, height: number, edge: number): { width: number; height: number } {
  const short = Math.min(width, height);
  const factor = short > edge ? edge / short : 1;
  return { width: even(width * factor), height: even(height * factor) };
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** fluent-ffmpeg input and output options for one run. */
export interface FfmpegArgs {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

const QUIET = ['-nostdin', '-hide_banner'];
const MP4_OUT = ['-movflags', '+faststart', '-map_metadata', '-1', '-sn', '-dn', '-f', 'mp4'];

/**
 * The transcode: H.264 (CRF, preset) at the target size, 8-bit 4:2:0, AAC audio (copied when it
 * already is AAC), faststart MP4. ffmpeg applies the rotation while decoding, so the size is taken
 * from the displayed (rotated) dimensions and the output needs no rotation flag.
 */
export function transcodeArgs(probe: VideoProbe, params: ResolvedParams): FfmpegArgs {
  const { width, height } = scaledSize(displaySize(probe).width, displaySize(probe).height, params.videoSize);
  const audio = probe.audio === null ? ['-an'] : probe.audio.codec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', AUDIO_BITRATE, '-ac', '2'];
  return {
    input: QUIET,
    output: [
      '-map', '0:v:0', ...(probe.audio ? ['-map', '0:a:0'] : []),
      '-c:v', 'libx264', '-preset', params.videoPreset, '-crf', String(params.videoCrf),
      '-vf', `scale=${width}:${height}`, '-pix_fmt', 'yuv420p',
      ...audio,
      ...MP4_OUT,
    ],
  };
}

/** The remux: streams copied as they are (rotation kept in the display matrix) into a faststart MP4. */
export function remuxArgs(probe: VideoProbe): FfmpegArgs {
  return { input: QUIET, output: ['-map', '0:v:0', ...(probe.audio ? ['-map', '0:a:0'] : []), '-c', 'copy', ...MP4_OUT] };
}

/**
 * The poster frame: a fast seek to 10 % of the duration (at most 1 s, past fade-ins), one frame,
 * shorter edge at most the preview size, a high-quality JPEG.
 */
export function posterArgs(probe: VideoProbe, params: ResolvedParams): FfmpegArgs {
  const at = Math.min(1, ((probe.durationMs ?? 0) / 1000) * 0.1);
  const { width, height } = scaledSize(displaySize(probe).width, displaySize(probe).height, params.previewSize);
  return {
    input: [...QUIET, '-ss', at.toFixed(3)],
    output: ['-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-q:v', '2', '-f', 'image2', '-update', '1', '-c:v', 'mjpeg'],
  };
}

/** Milliseconds from ffmpeg's progress timemark (`00:01:02.50`); null when unreadable. */
export function timemarkToMs(timemark: unknown): number | null {
  if (typeof timemark !== 'string') return null;
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(timemark.trim());
  return m ? Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000) : null;
}
