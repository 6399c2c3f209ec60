import ffmpeg from 'fluent-ffmpeg';
import { MediaError } from '../errors.js';
import type { FfmpegArgs } from './video-args.js';
import { timemarkToMs } from './video-args.js';

/** One ffmpeg run. */
export interface FfmpegRun {
  readonly ffmpeg: string;
  readonly input: string;
  readonly output: string;
  readonly args: FfmpegArgs;
  /** Killed with SIGKILL past this → `timeout`. */
  readonly timeoutMs: number;
  /** Aborting kills ffmpeg at once (graceful shutdown hands the job back). */
  readonly signal?: AbortSignal;
  /** The input's duration, to turn ffmpeg's timemark into a percentage. */
  readonly durationMs?: number | null;
  readonly onProgress?: (percent: number) => void;
}

// Out of space, memory or I/O: the machine's fault, worth a retry, unlike a bad file.
const MACHINE_TROUBLE = /No space left|Cannot allocate memory|Input\/output error|Too many open files/i;

/**
 * Runs ffmpeg through fluent-ffmpeg. Past the timeout ffmpeg is killed (SIGKILL: a hung decoder may
 * ignore SIGTERM) → `timeout`; a non-zero exit over the input → `corrupt`; trouble of the machine
 * (disk full…) → a plain Error, so the job is retried.
 */
export function runFfmpeg(run: FfmpegRun): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const command = ffmpeg(`file:${run.input}`)
      .setFfmpegPath(run.ffmpeg)
      .inputOptions([...run.args.input])
      .outputOptions([...run.args.output])
      .output(run.output);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (error) {
        command.kill('SIGKILL');
        reject(error);
      } else resolve();
    };
    const timer = setTimeout(() => finish(new MediaError('timeout', `ffmpeg ran past ${run.timeoutMs} ms and was killed`)), run.timeoutMs);
    const onAbort = () => finish(abortError(run.signal));
    if (run.signal?.aborted) return finish(abortError(run.signal));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    command
      .on('progress', (progress: { timemark?: string }) => reportProgress(run, progress.timemark))
      .on('error', (error: Error, _stdout: string | null, stderr: string | null) => finish(classifyFailure(error, stderr)))
      .on('end', () => finish())
      .run();
  });
}

function reportProgress(run: FfmpegRun, timemark: string | undefined): void {
  const done = timemarkToMs(timemark);
  if (!run.onProgress || done === null || !run.durationMs) return;
  run.onProgress(Math.min(100, Math.round((done / run.durationMs) * 100)));
}

function classifyFailure(error: Error, stderr: string | null): Error {
  const detail = (stderr ?? '').trim().split('\n').slice(-2).join(' ').slice(0, 300);
  if (MACHINE_TROUBLE.test(detail)) return new Error(`ffmpeg failed: ${detail}`, { cause: error });
  return new MediaError('corrupt', `ffmpeg cannot process the file: ${detail || error.message}`, { cause: error });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('the ffmpeg run was aborted', 'AbortError');
}
