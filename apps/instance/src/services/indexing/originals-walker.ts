import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { assertRelPath } from '@atrium/media';
import { normalizeRelativePath } from '@atrium/policy';
import { forEachLimit } from '../../utils/for-each-limit.js';

/** Extensions worth reading: anything else is passed over without opening the file. */
export const MEDIA_EXTENSIONS = new Set([
  ...['jpg', 'jpeg', 'jpe', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'heic', 'heif'],
  ...['cr2', 'cr3', 'nef', 'arw', 'dng', 'orf', 'rw2', 'raf'],
  ...[
    'mp4',
    'mov',
    'm4v',
    '3gp',
    '3g2',
    'mkv',
    'webm',
    'avi',
    'mpg',
    'mpeg',
    'mts',
    'm2ts',
    'asf',
    'wmv',
    'flv',
    'ogv',
  ],
]);

// Stats under way at once while a folder is listed.
const STAT_CONCURRENCY = 4;

/** A regular file inside the root, found by the walk. */
export interface FoundFile {
  /** Path relative to the originals root, canonical (what the database and jobs use). */
  relPath: string;
  /** The real path to read, symlinks resolved, inside the real root. */
  realPath: string;
  size: number;
  mtimeMs: number;
}

/** Why the walk passed over an entry. */
export type PassedReason =
  'not_media' | 'hidden' | 'unsafe_name' | 'symlink_outside' | 'symlink_dir' | 'special';

/** One folder of the walk: its media files and what it passed over. */
export interface WalkedFolder {
  /** Relative path of the folder, `''` for the root. */
  folder: string;
  /** The folder could not be listed (permissions): what it held last time is left as it was. */
  unreadable: boolean;
  files: FoundFile[];
  passed: Array<{ relPath: string; reason: PassedReason }>;
}

function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

// A name the policy or the job schema would refuse (backslash, control characters) is never indexed.
function safeRelPath(folder: string, name: string): string | undefined {
  const relPath = folder ? `${folder}/${name}` : name;
  try {
    if (normalizeRelativePath(relPath) !== relPath) return undefined;
    assertRelPath(relPath);
    return relPath;
  } catch {
    return undefined;
  }
}

/**
 * Walks the originals depth-first, one folder at a time, never leaving the root: a symlinked file
 * is taken only when its real path lies inside the real root; symlinked folders are not entered
 * (their targets inside the root are walked anyway, and loops are impossible); hidden entries,
 * sockets, FIFOs and devices are passed over. Only `lstat`/`stat`: no file is opened.
 */
export async function* walkOriginals(root: string): AsyncGenerator<WalkedFolder> {
  const realRoot = await realpath(root);
  const pending: string[] = [''];
  while (pending.length) {
    const folder = pending.pop()!;
    const result: WalkedFolder = { folder, unreadable: false, files: [], passed: [] };
    const dir = await opendir(join(realRoot, folder)).catch(() => undefined);
    if (!dir) {
      yield { ...result, unreadable: true };
      continue;
    }
    const subfolders: string[] = [];
    const candidates: Array<{ relPath: string; symlink: boolean }> = [];
    for await (const entry of dir) {
      const relPath = safeRelPath(folder, entry.name);
      const named = relPath ?? (folder ? `${folder}/${entry.name}` : entry.name);
      if (entry.name.startsWith('.')) {
        result.passed.push({ relPath: named, reason: 'hidden' });
      } else if (!relPath) {
        result.passed.push({ relPath: named, reason: 'unsafe_name' });
      } else if (entry.isDirectory()) {
        subfolders.push(relPath);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        candidates.push({ relPath, symlink: entry.isSymbolicLink() });
      } else {
        result.passed.push({ relPath, reason: 'special' });
      }
    }
    // A few stats at a time keep the thread pool busy; the outcomes are taken in listing order.
    const outcomes = new Array<Classified>(candidates.length);
    await forEachLimit(candidates, STAT_CONCURRENCY, async ({ relPath, symlink }, i) => {
      outcomes[i] = await classify(realRoot, relPath, symlink);
    });
    for (const outcome of outcomes) {
      if (outcome && 'reason' in outcome) result.passed.push(outcome);
      else if (outcome) result.files.push(outcome);
    }
    pending.push(...subfolders.sort().reverse());
    result.files.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
    yield result;
  }
}

type Classified = FoundFile | { relPath: string; reason: PassedReason } | undefined;

async function classify(realRoot: string, relPath: string, symlink: boolean): Promise<Classified> {
  const path = join(realRoot, relPath);
  if (!MEDIA_EXTENSIONS.has(extname(relPath).slice(1).toLowerCase())) return { relPath, reason: 'not_media' };
  let realPath = path;
  if (symlink) {
    const target = await realpath(path).catch(() => undefined);
    if (!target || !isInside(target, realRoot)) return { relPath, reason: 'symlink_outside' };
    realPath = target;
  }
  const info = await (symlink ? stat(realPath) : lstat(path)).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return { relPath, reason: 'symlink_dir' };
  if (!info.isFile()) return { relPath, reason: 'special' };
  return { relPath, realPath, size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
}
