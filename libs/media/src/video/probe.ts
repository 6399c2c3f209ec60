import { execFile } from 'node:child_process';
import { MediaError } from '../errors.js';
import { parseProbe, type VideoProbe } from './probe-parse.js';

/** How to run ffprobe. */
export interface ProbeOptions {
  readonly ffprobe: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs ffprobe on a file and parses its answer. ffprobe runs as a plain child process, not through
 * fluent-ffmpeg's `ffprobe()`, because that one keeps its child to itself: a probe stuck on a
 * hostile file could not be killed. Here it is killed (SIGKILL) at the timeout → `timeout`;
 * a file ffprobe cannot read → `corrupt`.
 */
export async function probeVideo(path: string, options: ProbeOptions): Promise<VideoProbe> {
  // `file:` keeps a name such as `concat:…` from being read as a protocol.
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', `file:${path}`];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      options.ffprobe,
      args,
      { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, signal: options.signal },
      (error, out, stderr) => {
        if (!error) return resolve(out);
        if (error.name === 'AbortError') return reject(error);
        if (error.killed || error.signal === 'SIGKILL') return reject(new MediaError('timeout', `ffprobe ran past ${options.timeoutMs} ms and was killed`));
        reject(new MediaError('corrupt', `ffprobe cannot read the file: ${lastLine(stderr)}`, { cause: error }));
      },
    );
  });
  try {
    return parseProbe(JSON.parse(stdout));
  } catch (error) {
    if (error instanceof MediaError) throw error;
    throw new MediaError('corrupt', 'ffprobe gave an unreadable answer', { cause: error });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
}
