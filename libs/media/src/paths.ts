import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { MediaError } from './errors.js';

const MAX_REL_PATH = 4096;

/**
 * Checks that `relPath` is a canonical path relative to a root: non-empty, not absolute, no NUL,
 * no `.`/`..`/empty segments. Pure; throws `forbidden_path`. The same string on both sides of the
 * queue names the same file, so only the canonical form is accepted.
 */
export function assertRelPath(relPath: unknown): asserts relPath is string {
  if (typeof relPath !== 'string' || relPath.length === 0) throw forbidden('relPath must be a non-empty string');
  if (relPath.length > MAX_REL_PATH) throw forbidden(`relPath is longer than ${MAX_REL_PATH} characters`);
  if (relPath.includes('\0')) throw forbidden('relPath contains a NUL character');
  if (relPath.startsWith('/')) throw forbidden('relPath must be relative');
  for (const segment of relPath.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw forbidden('relPath has an empty, "." or ".." segment');
  }
}

/** An original resolved inside its root, symlinks followed. */
export interface ResolvedOriginal {
  /** The real path (symlinks resolved), inside the real root. */
  readonly path: string;
  readonly size: number;
  /** Device, inode, size, mtime and ctime: changes whenever the content may have changed. */
  readonly fingerprint: string;
}

/**
 * Resolves `relPath` under `root` at processing time: follows symlinks and refuses
 * (`forbidden_path`) a real path outside the real root; `missing` when absent; `not_a_file` for
 * a directory, FIFO or device (opening a FIFO would block a thread forever).
 */
export async function resolveOriginal(root: string, relPath: string): Promise<ResolvedOriginal> {
  assertRelPath(relPath);
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(join(realRoot, relPath));
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) throw new MediaError('missing', 'the original does not exist');
    if (isErrno(error, 'ELOOP')) throw forbidden('the original is a symlink loop');
    throw error;
  }
  if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    throw forbidden('the original resolves outside the originals root');
  }
  const info = await stat(real);
  if (!info.isFile()) throw new MediaError('not_a_file', 'the original is not a regular file');
  const fingerprint = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  return { path: real, size: info.size, fingerprint };
}

/** Derivative kinds of docs/contracts.md §5. */
export const DERIVATIVE_KINDS = ['thumb', 'preview', 'poster', 'video'] as const;
/** One derivative kind: `thumb` (WebP tile), `preview` (large image), `poster` (video frame), `video` (MP4). */
export type DerivativeKind = (typeof DERIVATIVE_KINDS)[number];

/** The preview's encoding. */
export type PreviewFormat = 'jpeg' | 'webp';

/** The folder of one content hash's derivatives, relative to CACHE_PATH: `derivatives/ab/abcd…`. */
export function derivativeDir(contentHash: string): string {
  return `derivatives/${contentHash.slice(0, 2)}/${contentHash}`;
}

/** The file name of a derivative kind inside {@link derivativeDir}. */
export function derivativeFileName(kind: DerivativeKind, previewFormat: PreviewFormat = 'jpeg'): string {
  switch (kind) {
    case 'thumb':
      return 'thumb.webp';
    case 'preview':
      return previewFormat === 'webp' ? 'preview.webp' : 'preview.jpg';
    case 'poster':
      return 'poster.jpg';
    case 'video':
      return 'video.mp4';
  }
}

/** A derivative's path relative to CACHE_PATH, e.g. `derivatives/ab/abcd…/thumb.webp`. */
export function derivativeRelPath(contentHash: string, kind: DerivativeKind, previewFormat: PreviewFormat = 'jpeg'): string {
  return `${derivativeDir(contentHash)}/${derivativeFileName(kind, previewFormat)}`;
}

function forbidden(message: string): MediaError {
  return new MediaError('forbidden_path', message);
}

/** True when `error` is a Node system error with the given `code`. */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
