import type { MediaJobCompleted } from '../jobs/result.js';
import type { MediaLimits } from '../limits.js';
import type { FfmpegBinaries } from '../video/binaries.js';
import type { SharedDerivativeStore } from './shared-store.js';

/** Everything a job runs with, for one instance. */
export interface MediaContext {
  /** The instance's ORIGINALS_PATH. */
  readonly originalsPath: string;
  /** The instance's CACHE_PATH. */
  readonly cachePath: string;
  readonly limits: MediaLimits;
  readonly binaries: FfmpegBinaries;
  /** The cluster's shared derivative store, when turned on. */
  readonly sharedStore?: SharedDerivativeStore | null;
  /** Aborting kills a running ffmpeg (the job is handed back). */
  readonly signal?: AbortSignal;
  /** Transcode progress, 0–100. */
  readonly onProgress?: (percent: number) => void;
}

/** What a job produced: a {@link MediaJobCompleted} without the envelope the worker adds. */
export type MediaJobOutcome = Pick<
  MediaJobCompleted,
  'metadata' | 'outputs' | 'placeholder' | 'width' | 'height' | 'durationMs' | 'playback' | 'shared'
>;

/** An outcome with nothing in it yet. */
export function emptyOutcome(): MediaJobOutcome {
  return { metadata: null, outputs: {}, placeholder: null, width: null, height: null, durationMs: null, playback: null, shared: false };
}
