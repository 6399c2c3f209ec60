/**
 * What the media code refuses to spend on one file. Every limit has a reason code when crossed:
 * bytes → `too_large`, pixels → `pixel_bomb`, time → `timeout`.
 */
export interface MediaLimits {
  /** Largest image or RAW file read, in bytes. */
  readonly maxImageBytes: number;
  /** Largest video file read, in bytes. */
  readonly maxVideoBytes: number;
  /** Largest decoded image, in pixels (width × height), checked from the header before decoding. */
  readonly maxInputPixels: number;
  /** Longest a sharp pipeline may run, in seconds (libvips aborts it). */
  readonly imageTimeoutSeconds: number;
  /** Longest ffprobe may run, in milliseconds, before it is killed. */
  readonly probeTimeoutMs: number;
  /** Longest a poster-frame extraction may run, in milliseconds, before ffmpeg is killed. */
  readonly posterTimeoutMs: number;
  /** Longest a transcode may run, in milliseconds, before ffmpeg is killed. */
  readonly transcodeTimeoutMs: number;
}

/**
 * Defaults: 256 MiB images (large RAWs and panoramas), 64 GiB videos, libvips' own pixel ceiling
 * (16383², enough for a 200 MP phone sensor), and timeouts generous enough for a slow 2-core node.
 */
export const DEFAULT_MEDIA_LIMITS: MediaLimits = Object.freeze({
  maxImageBytes: 256 * 1024 * 1024,
  maxVideoBytes: 64 * 1024 * 1024 * 1024,
  maxInputPixels: 16383 * 16383,
  imageTimeoutSeconds: 120,
  probeTimeoutMs: 30_000,
  posterTimeoutMs: 120_000,
  transcodeTimeoutMs: 4 * 60 * 60 * 1000,
});

/** The defaults with `overrides` applied; throws a RangeError naming a non-positive limit. */
export function resolveLimits(overrides: Partial<MediaLimits> = {}): MediaLimits {
  const limits = { ...DEFAULT_MEDIA_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`media limit ${name} must be a positive number`);
  }
  return Object.freeze(limits);
}
