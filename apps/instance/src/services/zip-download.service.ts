import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ZipArchive } from 'archiver';
import { derivativeRelPath, isMediaError, resolveOriginal } from '@atrium/media';
import { PolicyError, normalizeRelativePath, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { DownloadRepository, type DownloadEntry } from '../repositories/download.repository.js';
import { numberedName, outgoingName } from '../utils/file-names.js';
import { useNativeCrc32 } from '../utils/native-crc32.js';

// Files are read in pieces this large (node's default of 64 KiB costs a trip through every stream per piece).
const READ_BUFFER = 1 << 20;

/** At most this many files in one zip; a larger set is asked for folder by folder. */
export const MAX_ZIP_ENTRIES = 50_000;

/** A zip ready to stream: its file name and what goes in. */
export interface ZipPlan {
  fileName: string;
  entries: Array<{ source: string; name: string; date: Date }>;
  originals: number;
  previews: number;
}

/** What goes in a zip: names relative to a folder, or flat (albums, selections). */
type Naming = { kind: 'flat' } | { kind: 'tree'; folder: string };

/**
 * Zips of an album, a folder or a selection, streamed while they are made (archiver's zip with
 * ZIP64 past 4 GiB or 65,535 entries, entries stored as they are: photos and videos do not
 * compress). Originals for what the viewer may download, previews for what it may only see; the
 * access repository decides both. Files are opened one at a time, so memory stays flat.
 */
@Injectable()
export class ZipDownloadService {
  private readonly logger = new Logger('zip');

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly downloads: DownloadRepository,
    private readonly access: AccessRepository,
  ) {
    useNativeCrc32();
  }

  async album(viewer: Viewer, albumId: string): Promise<ZipPlan> {
    if (!(await this.access.visibleAlbums(viewer, [albumId])).has(albumId)) throw notFoundOrNoAccess('album');
    const title = (await this.downloads.albumTitle(albumId)) ?? 'album';
    return this.plan(viewer, await this.downloads.albumAssetIds(albumId), title, { kind: 'flat' });
  }

  async folder(viewer: Viewer, path: unknown): Promise<ZipPlan> {
    let folder: string;
    try {
      folder = normalizeRelativePath(path ?? '');
    } catch (error) {
      if (error instanceof PolicyError) throw new InstanceError('ERR_FILTER_INVALID', `path: ${error.message}`, 400);
      throw error;
    }
    const name = folder ? folder.slice(folder.lastIndexOf('/') + 1) : this.config.nodeName;
    return this.plan(viewer, await this.downloads.folderAssetIds(folder), name, { kind: 'tree', folder });
  }

  async selection(viewer: Viewer, ids: readonly string[]): Promise<ZipPlan> {
    return this.plan(viewer, [...new Set(ids)], `${this.config.nodeName}-selection`, { kind: 'flat' });
  }

  /** Streams `plan` into `out`; resolves when the zip is complete, rejects when it broke off. */
  async stream(plan: ZipPlan, out: Writable): Promise<void> {
    const archive = new ZipArchive({ store: true });
    const done = new Promise<void>((resolve, reject) => {
      archive.on('error', reject);
      archive.on('warning', reject);
      out.on('close', () => {
        // The client went away: stop reading files for it.
        if (!out.writableFinished) {
          archive.abort();
          reject(new Error('the client closed the connection'));
        }
      });
      out.on('finish', resolve);
    });
    archive.pipe(out);
    // One file open at a time: the next is added when archiver is done with the last one.
    const entries = plan.entries[Symbol.iterator]();
    const next = (): void => {
      const entry = entries.next();
      if (entry.done) void archive.finalize().catch(() => undefined);
      else archive.append(createReadStream(entry.value.source, { highWaterMark: READ_BUFFER }), { name: entry.value.name, date: entry.value.date });
    };
    archive.on('entry', next);
    next();
    try {
      await done;
    } catch (error) {
      this.logger.warn(`zip ${plan.fileName} broke off: ${(error as Error).message}`);
      out.destroy();
      throw error;
    }
  }

  private async plan(viewer: Viewer, ids: readonly string[], title: string, naming: Naming): Promise<ZipPlan> {
    const [visible, downloadable] = await Promise.all([
      this.access.visibleAssets(viewer, ids),
      this.access.downloadableAssets(viewer, ids),
    ]);
    const wanted = ids.filter((id) => visible.has(id));
    if (wanted.length > MAX_ZIP_ENTRIES)
      throw new InstanceError('ERR_ZIP_TOO_MANY', `a zip holds at most ${MAX_ZIP_ENTRIES} files; pick a smaller set`, 413);
    const names = new Set<string>();
    const plan: ZipPlan = { fileName: `${zipBaseName(title)}.zip`, entries: [], originals: 0, previews: 0 };
    for (const entry of await this.downloads.entries(wanted)) {
      const original = downloadable.has(entry.id);
      const source = original ? await this.originalOf(entry) : await this.previewOf(entry);
      if (!source) continue;
      const base = naming.kind === 'tree' ? safePath(relativeTo(entry.path, naming.folder)) : outgoingName(entry.fileName, 'file');
      const name = uniqueName(original ? base : previewName(base, source), names);
      plan.entries.push({ source, name, date: entry.mtime });
      if (original) plan.originals++;
      else plan.previews++;
    }
    if (!plan.entries.length) throw new InstanceError('ERR_ZIP_EMPTY', 'there is nothing here you may download', 404);
    return plan;
  }

  /** The original's real path, inside the originals root; none when it is gone or points out. */
  private async originalOf(entry: DownloadEntry): Promise<string | undefined> {
    try {
      return (await resolveOriginal(this.config.originalsPath, entry.path)).path;
    } catch (error) {
      if (isMediaError(error)) return undefined;
      throw error;
    }
  }

  /** The preview at its layout path (never a path a results report made up), if it was made. */
  private async previewOf(entry: DownloadEntry): Promise<string | undefined> {
    const rel = entry.derivatives.preview;
    const layout = [derivativeRelPath(entry.contentHash, 'preview'), derivativeRelPath(entry.contentHash, 'preview', 'webp')];
    if (!rel || !layout.includes(rel)) return undefined;
    const path = join(this.config.cachePath, rel);
    return (await stat(path).catch(() => undefined))?.isFile() ? path : undefined;
  }
}

function relativeTo(path: string, folder: string): string {
  return folder ? path.slice(folder.length + 1) : path;
}

function previewName(name: string, source: string): string {
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)}.preview${extname(source)}`;
}

/** `a.jpg`, `a (2).jpg`, …: names compared without case, as Windows and macOS unpack them. */
function uniqueName(name: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const candidate = numberedName(name, n);
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

// A title can hold anything; the zip's own name keeps to what every file system stores.
function zipBaseName(title: string): string {
  return outgoingName(title, 'download', 120);
}

/** A path inside a tree zip, each folder and file name made safe (no `..`, no `\\`, no controls). */
function safePath(path: string): string {
  return path
    .split('/')
    .map((segment) => outgoingName(segment, '_'))
    .join('/');
}
