import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isErrno } from './paths.js';

const TEMP_SUFFIX = '.tmp';

/**
 * A fresh temporary name beside `finalPath` (same folder, so the rename is atomic), hidden and
 * ending in `.tmp`, with the extension kept before it so encoders still pick the format.
 */
export function tempPathFor(finalPath: string): string {
  const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return join(dirname(finalPath), `.${token}.${basename(finalPath)}${TEMP_SUFFIX}`);
}

/** Renames a finished temporary file into place; readers see the old file or the whole new one. */
export async function commitFile(tempPath: string, finalPath: string): Promise<void> {
  await rename(tempPath, finalPath);
}

/** Writes `data` to `finalPath` through a temporary name and a rename. */
export async function writeFileAtomic(finalPath: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  try {
    await writeFile(temp, data);
    await commitFile(temp, finalPath);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

/**
 * Places a copy of `source` at `finalPath` atomically: a hard link when both are on one file
 * system (no bytes copied), else a copy; either way through a temporary name.
 */
export async function linkOrCopyAtomic(source: string, finalPath: string): Promise<'link' | 'copy'> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  let how: 'link' | 'copy' = 'link';
  try {
    try {
      await link(source, temp);
    } catch (error) {
      if (!isErrno(error, 'EXDEV') && !isErrno(error, 'EPERM') && !isErrno(error, 'EMLINK')) throw error;
      how = 'copy';
      await copyFile(source, temp);
    }
    await commitFile(temp, finalPath);
    return how;
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

/**
 * Removes temporary files older than `olderThanMs` in `dir`: what a killed worker left behind.
 * Younger ones may belong to a job still running elsewhere, so they stay.
 */
export async function sweepStaleTemps(dir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names.filter((n) => n.startsWith('.') && n.endsWith(TEMP_SUFFIX))) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info && now - info.mtimeMs > olderThanMs && (await removeQuietly(join(dir, name)))) removed++;
  }
  return removed;
}

/** Deletes a file, ignoring its absence; true when something was deleted. */
export async function removeQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` exists as a non-empty regular file. */
export async function isNonEmptyFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return Boolean(info?.isFile() && info.size > 0);
}
