import { detectFileType, type DetectedType } from '../detect.js';
import { MediaError } from '../errors.js';
import { linkOrCopyAtomic } from '../files.js';
import { resolveParams, type ResolvedParams } from '../jobs/params.js';
import { assertPayloadOnQueue, parseMediaJobPayload, type MediaJobPayload, type MediaQueueName } from '../jobs/payload.js';
import type { MediaLimits } from '../limits.js';
import { resolveOriginal, type DerivativeKind, type ResolvedOriginal } from '../paths.js';
import { emptyOutcome, type MediaContext, type MediaJobOutcome } from './context.js';
import { imageMetadata, imageThumbnails } from './image-jobs.js';
import { DerivativeOutputs } from './outputs.js';
import type { SharedDerivativeStore } from './shared-store.js';
import { videoMetadata, videoPlayback, videoThumbnails } from './video-jobs.js';

/**
 * Runs one job from `queue`: validates the payload again (never trust the queue), resolves the
 * original inside its root, detects its type from content, enforces the limits, then reads
 * metadata, renders thumbnails or makes the video playable. With the shared store on, the content
 * hash is verified first and finished work is reused or published. Throws {@link MediaError} for
 * what retrying cannot fix, any other error for what it might.
 */
export async function processMediaJob(queue: MediaQueueName, data: unknown, ctx: MediaContext): Promise<MediaJobOutcome> {
  const payload = parseMediaJobPayload(data);
  assertPayloadOnQueue(queue, payload);
  const params = resolveParams(payload.params);
  const original = await resolveOriginal(ctx.originalsPath, payload.relPath);
  const type = await detectFileType(original.path);
  assertWithinSize(original, type, ctx.limits);
  const outputs = new DerivativeOutputs(ctx.cachePath, payload.contentHash, params);
  const store = ctx.sharedStore;
  if (!store) return run(queue, payload, params, original, type, ctx, outputs);
  await store.assertContent(original, payload.contentHash);
  const reused = await fromSharedStore(store, queue, payload, params, outputs);
  if (reused) return reused;
  const outcome = await run(queue, payload, params, original, type, ctx, outputs);
  await store.publish(payload.contentHash, queue, params, absoluteOutputs(outcome, outputs), outcome);
  return outcome;
}

async function run(
  queue: MediaQueueName,
  payload: MediaJobPayload,
  params: ResolvedParams,
  original: ResolvedOriginal,
  type: DetectedType,
  ctx: MediaContext,
  outputs: DerivativeOutputs,
): Promise<MediaJobOutcome> {
  const video = type.mediaType === 'video';
  if (queue === 'metadata') {
    const metadata = video ? await videoMetadata(original, type, ctx) : await imageMetadata(original, type, ctx.limits);
    return { ...emptyOutcome(), metadata, width: metadata.width, height: metadata.height, durationMs: metadata.durationMs };
  }
  // A killed transcode may have left a temporary file: anything older than the longest run is dead.
  await outputs.prepare(ctx.limits.transcodeTimeoutMs);
  if (queue === 'thumbnails') {
    const made = video
      ? await videoThumbnails(original, payload.kinds, params, ctx, outputs)
      : await imageThumbnails(original, type, payload.kinds, params, ctx.limits, outputs);
    return { ...emptyOutcome(), ...made };
  }
  if (!video) throw new MediaError('unsupported', 'only videos are transcoded');
  return { ...emptyOutcome(), ...(await videoPlayback(original, params, ctx, outputs)) };
}

function assertWithinSize(original: ResolvedOriginal, type: DetectedType, limits: MediaLimits): void {
  const max = type.mediaType === 'video' ? limits.maxVideoBytes : limits.maxImageBytes;
  if (original.size > max) throw new MediaError('too_large', `the file has ${original.size} bytes, more than ${max}`);
}

async function fromSharedStore(
  store: SharedDerivativeStore,
  queue: MediaQueueName,
  payload: MediaJobPayload,
  params: ResolvedParams,
  outputs: DerivativeOutputs,
): Promise<MediaJobOutcome | undefined> {
  const hit = await store.fetch(payload.contentHash, queue, params, payload.kinds);
  if (!hit) return undefined;
  const placed: Partial<Record<DerivativeKind, string>> = {};
  for (const [kind, path] of Object.entries(hit.files) as Array<[DerivativeKind, string]>) {
    await linkOrCopyAtomic(path, outputs.absPath(kind));
    placed[kind] = outputs.relPath(kind);
  }
  return { ...emptyOutcome(), ...hit.outcome, outputs: placed, shared: true };
}

function absoluteOutputs(outcome: MediaJobOutcome, outputs: DerivativeOutputs): Partial<Record<DerivativeKind, string>> {
  const kinds = Object.keys(outcome.outputs) as DerivativeKind[];
  return Object.fromEntries(kinds.map((kind) => [kind, outputs.absPath(kind)]));
}
