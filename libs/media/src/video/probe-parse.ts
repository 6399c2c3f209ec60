import { MediaError } from '../errors.js';

/** The facts of an ffprobe answer the worker acts on. */
export interface VideoProbe {
  /** ffprobe's format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  readonly formatName: string;
  /** The ISO-BMFF major brand (`isom`, `mp42`, `qt  `), when there is one. */
  readonly majorBrand: string | null;
  readonly durationMs: number | null;
  readonly bitRate: number | null;
  readonly video: {
    readonly codec: string;
    readonly profile: string | null;
    readonly pixelFormat: string | null;
    /** Stored (coded) size, before rotation. */
    readonly width: number;
    readonly height: number;
    /** Clockwise rotation the player applies: 0, 90, 180 or 270. */
    readonly rotation: number;
    readonly frameRate: number | null;
  };
  readonly audio: { readonly codec: string; readonly channels: number | null } | null;
  /** Container tags with lowercased keys (QuickTime keys stay dotted: `com.apple.quicktime.make`). */
  readonly tags: Readonly<Record<string, string>>;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  channels?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
}

/**
 * Reads `ffprobe -show_format -show_streams -print_format json` output. Pure. Refuses
 * (`unsupported`) a file without a video stream: cover art alone does not count.
 */
export function parseProbe(raw: unknown): VideoProbe {
  const probe = (typeof raw === 'object' && raw !== null ? raw : {}) as RawProbe;
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  if (!video) throw new MediaError('unsupported', 'the file has no video stream');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const tags = lowerKeys({ ...video.tags, ...probe.format?.tags });
  return {
    formatName: probe.format?.format_name ?? '',
    majorBrand: tags.major_brand?.trim() || null,
    durationMs: seconds(probe.format?.duration),
    bitRate: number(probe.format?.bit_rate),
    video: {
      codec: video.codec_name ?? 'unknown',
      profile: video.profile ?? null,
      pixelFormat: video.pix_fmt ?? null,
      width: video.width!,
      height: video.height!,
      rotation: streamRotation(video),
      frameRate: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate),
    },
    audio: audio ? { codec: audio.codec_name ?? 'unknown', channels: audio.channels ?? null } : null,
    tags,
  };
}

/** Displayed size after rotation. */
export function displaySize(probe: VideoProbe): { width: number; height: number } {
  const { width, height, rotation } = probe.video;
  return rotation % 180 === 90 ? { width: height, height: width } : { width, height };
}

/** The display-matrix rotation (ffprobe reports it counter-clockwise) or the legacy `rotate` tag, clockwise. */
function streamRotation(stream: RawStream): number {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const degrees = matrix !== undefined ? -matrix : Number(stream.tags?.rotate ?? 0);
  const quarter = Math.round((Number.isFinite(degrees) ? degrees : 0) / 90) * 90;
  return ((quarter % 360) + 360) % 360;
}

function frameRate(value: string | undefined): number | null {
  const [num, den] = (value ?? '').split('/').map(Number);
  return num && den ? Math.round((num / den) * 1000) / 1000 : null;
}

function seconds(value: string | undefined): number | null {
  const n = number(value);
  return n === null ? null : Math.round(n * 1000);
}

function number(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

function lowerKeys(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
