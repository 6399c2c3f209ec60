import type { DetectedType } from '../detect.js';
import { removeQuietly } from '../files.js';
import type { ResolvedParams } from '../jobs/params.js';
import { videoMetadataFromProbe } from '../metadata/video-metadata.js';
import type { MediaMetadata } from '../metadata/types.js';
import type { DerivativeKind, ResolvedOriginal } from '../paths.js';
import { runFfmpeg } from '../video/ffmpeg-runner.js';
import { probeVideo } from '../video/probe.js';
import { displaySize, type VideoProbe } from '../video/probe-parse.js';
import { decidePlayback, posterArgs, remuxArgs, transcodeArgs } from '../video/video-args.js';
import type { MediaContext, MediaJobOutcome } from './context.js';
import { renderInto } from './image-jobs.js';
import type { DerivativeOutputs } from './outputs.js';

function probe(original: ResolvedOriginal, ctx: MediaContext): Promise<VideoProbe> {
  return probeVideo(original.path, { ffprobe: ctx.binaries.ffprobe, timeoutMs: ctx.limits.probeTimeoutMs, signal: ctx.signal });
}

/** A video's metadata from ffprobe. */
export async function videoMetadata(original: ResolvedOriginal, type: DetectedType, ctx: MediaContext): Promise<MediaMetadata> {
  return videoMetadataFromProbe(await probe(original, ctx), { mime: type.mime, fileSize: original.size });
}

/**
 * A video's poster frame (kept as `poster.jpg` when asked for) and the tile, preview and
 * placeholder rendered from it.
 */
export async function videoThumbnails(
  original: ResolvedOriginal,
  kinds: readonly DerivativeKind[],
  params: ResolvedParams,
  ctx: MediaContext,
  outputs: DerivativeOutputs,
): Promise<Pick<MediaJobOutcome, 'outputs' | 'placeholder' | 'width' | 'height' | 'durationMs'>> {
  const info = await probe(original, ctx);
  const frame = outputs.tempFor('poster');
  try {
    await runFfmpeg({
      ffmpeg: ctx.binaries.ffmpeg,
      input: original.path,
      output: frame,
      args: posterArgs(info, params),
      timeoutMs: ctx.limits.posterTimeoutMs,
      signal: ctx.signal,
    });
    const rendered = await renderInto({ input: frame, orientation: 1 }, kinds, params, ctx.limits, outputs);
    const poster = kinds.includes('poster') ? { poster: await outputs.commit('poster', frame) } : {};
    return { ...rendered, ...displaySize(info), outputs: { ...rendered.outputs, ...poster }, durationMs: info.durationMs };
  } finally {
    await removeQuietly(frame);
  }
}

/**
 * Makes a video browser-playable: nothing when the original already is, else a remux or a
 * transcode into `video.mp4`, reporting progress.
 */
export async function videoPlayback(
  original: ResolvedOriginal,
  params: ResolvedParams,
  ctx: MediaContext,
  outputs: DerivativeOutputs,
): Promise<Pick<MediaJobOutcome, 'outputs' | 'playback' | 'durationMs'>> {
  const info = await probe(original, ctx);
  const playback = decidePlayback(info);
  if (playback === 'original') return { outputs: {}, playback, durationMs: info.durationMs };
  const temp = outputs.tempFor('video');
  try {
    await runFfmpeg({
      ffmpeg: ctx.binaries.ffmpeg,
      input: original.path,
      output: temp,
      args: playback === 'remux' ? remuxArgs(info) : transcodeArgs(info, params),
      timeoutMs: ctx.limits.transcodeTimeoutMs,
      signal: ctx.signal,
      durationMs: info.durationMs,
      onProgress: ctx.onProgress,
    });
    return { outputs: { video: await outputs.commit('video', temp) }, playback, durationMs: info.durationMs };
  } finally {
    await removeQuietly(temp);
  }
}
