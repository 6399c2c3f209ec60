import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** The ffmpeg and ffprobe executables, and where each came from. */
export interface FfmpegBinaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly source: { readonly ffmpeg: 'system' | 'bundled'; readonly ffprobe: 'system' | 'bundled' };
}

/** Packages that ship static Linux x64 builds (ffmpeg 4.1, ffprobe 5.2), the fallback. */
const BUNDLED = { ffmpeg: '@ffmpeg-installer/linux-x64', ffprobe: '@ffprobe-installer/linux-x64' } as const;

/**
 * Finds ffmpeg and ffprobe: on `searchPath` (the caller's PATH) first, since the system's build is
 * usually newer, else the binaries bundled in npm packages. Throws when neither exists.
 */
export function locateFfmpeg(searchPath: string | undefined): FfmpegBinaries {
  const ffmpeg = locate('ffmpeg', searchPath);
  const ffprobe = locate('ffprobe', searchPath);
  return { ffmpeg: ffmpeg.path, ffprobe: ffprobe.path, source: { ffmpeg: ffmpeg.source, ffprobe: ffprobe.source } };
}

function locate(name: 'ffmpeg' | 'ffprobe', searchPath: string | undefined): { path: string; source: 'system' | 'bundled' } {
  const system = which(name, searchPath);
  if (system) return { path: system, source: 'system' };
  const bundled = bundledPath(name);
  if (bundled) return { path: bundled, source: 'bundled' };
  throw new Error(`${name} was found neither on PATH nor in ${BUNDLED[name]}`);
}

/** The first executable `name` in the folders of `searchPath`, as `which` finds it. */
export function which(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function bundledPath(name: 'ffmpeg' | 'ffprobe'): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${BUNDLED[name]}/package.json`);
    const candidate = join(dirname(manifest), name);
    return isExecutable(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** One executable as `atrium worker --version`, the worker's start line and `/metrics` show it. */
export interface BinaryVersion {
  readonly name: 'ffmpeg' | 'ffprobe';
  readonly path: string;
  readonly source: 'system' | 'bundled';
  /** As the binary prints it (`5.1.6-0+deb12u1`), or `unknown` when it would not say. */
  readonly version: string;
}

/** Asks each binary for its version (`-version`, whose first line is `ffmpeg version X …`). */
export async function describeFfmpeg(binaries: FfmpegBinaries): Promise<{ ffmpeg: BinaryVersion; ffprobe: BinaryVersion }> {
  const ask = async (name: 'ffmpeg' | 'ffprobe'): Promise<BinaryVersion> => {
    const path = binaries[name];
    const version = await new Promise<string>((resolve) =>
      execFile(path, ['-version'], { timeout: 10_000 }, (error, stdout) =>
        resolve(error ? 'unknown' : (/^\S+ version (\S+)/.exec(stdout)?.[1] ?? 'unknown')),
      ),
    );
    // The static npm builds call themselves by a git describe (N-47683-g0e8eb07980-static): lead with the package's version.
    const source = binaries.source[name];
    return { name, path, source, version: source === 'bundled' ? `${bundledVersion(path)} (${version})` : version };
  };
  const [ffmpeg, ffprobe] = await Promise.all([ask('ffmpeg'), ask('ffprobe')]);
  return { ffmpeg, ffprobe };
}

function bundledVersion(binary: string): string {
  try {
    return (JSON.parse(readFileSync(join(dirname(binary), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
