import { isMediaFailureReason, type MediaFailureReason } from '../errors.js';
import type { MediaMetadata } from '../metadata/types.js';
import type { DerivativeKind } from '../paths.js';
import { SchemaCheck } from './check.js';
import { MEDIA_QUEUES, type MediaQueueName } from './payload.js';

/** How a video is played: the original as it is, or the `video.mp4` derivative. */
export type VideoPlayback = 'original' | 'remux' | 'transcode';

interface ResultBase {
  readonly version: 1;
  readonly queue: MediaQueueName;
  /** The id of the job this reports on. */
  readonly jobId: string;
  readonly assetId: string;
  readonly contentHash: string;
  readonly relPath: string;
  /** Attempts made, this one included. */
  readonly attempts: number;
  readonly finishedAt: string;
}

/**
 * A finished job. `metadata` comes from the `metadata` queue; `outputs` (paths relative to
 * CACHE_PATH), `placeholder` (thumbhash, base64) and the rendered `width`/`height` from
 * `thumbnails`; `playback` from `video` (`original`: no derivative, the original plays as is).
 * `shared` is true when the derivatives came from the shared store.
 */
export interface MediaJobCompleted extends ResultBase {
  readonly status: 'completed';
  readonly metadata: MediaMetadata | null;
  readonly outputs: Readonly<Partial<Record<DerivativeKind, string>>>;
  readonly placeholder: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly durationMs: number | null;
  readonly playback: VideoPlayback | null;
  readonly shared: boolean;
}

/** A job that failed for good, with its stable reason. */
export interface MediaJobFailed extends ResultBase {
  readonly status: 'failed';
  readonly reason: MediaFailureReason;
  readonly message: string;
}

/** What workers put on the `results` queue. */
export type MediaJobResult = MediaJobCompleted | MediaJobFailed;

/** The results job id: the job's id and the outcome, so a repeated report is a no-op. */
export function resultJobId(result: Pick<MediaJobResult, 'jobId' | 'status'>): string {
  return `${result.jobId}-${result.status}`;
}

/**
 * Validates the envelope of a result read from the `results` queue (ids, queue, status, reason);
 * throws `invalid_payload`. The body comes from a worker, which built it with these types.
 */
export function parseMediaJobResult(input: unknown): MediaJobResult {
  const check = new SchemaCheck('media job result');
  const value = check.object('result', input);
  if (!value) return check.done() as never;
  if (value.version !== 1) check.fail('version', 'must be 1');
  check.oneOf('queue', value.queue, MEDIA_QUEUES);
  for (const field of ['jobId', 'assetId', 'contentHash', 'relPath', 'finishedAt']) check.string(field, value[field]);
  check.integer('attempts', value.attempts, 1, 1_000);
  const status = check.oneOf('status', value.status, ['completed', 'failed']);
  if (status === 'failed' && !isMediaFailureReason(value.reason)) check.fail('reason', 'must be a media failure reason');
  if (status === 'completed') check.object('outputs', value.outputs);
  check.done();
  return value as unknown as MediaJobResult;
}
