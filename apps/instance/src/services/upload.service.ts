import { randomUUID } from 'node:crypto';
import { copyFile, constants, link, lstat, mkdir, open, realpath, stat, statfs, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CONTENT_HASH_PATTERN,
  DEFAULT_MEDIA_LIMITS,
  checkUpload,
  extensionMatchesType,
  hashFile,
  isErrno,
  isMediaError,
  type DetectedType,
  type MediaLimits,
} from '@atrium/media';
import { PolicyError, canUploadTo, normalizeRelativePath, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { Clock } from '../common/clock.js';
import { InstanceError, type InstanceErrorCode } from '../common/errors.js';
import { INSTANCE_CONFIG, MEDIA_QUEUE } from '../common/tokens.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { UploadRepository } from '../repositories/upload.repository.js';
import { checkFileName, numberedName } from '../utils/file-names.js';
import { MEDIA_EXTENSIONS } from './indexing/originals-walker.js';
import { KINDS, type MediaQueues } from './media-queue.js';

/** Where an upload goes and what the client says about it. */
export interface UploadTarget {
  fileName: unknown;
  /** Folder relative to the originals root; the viewer's upload path (or `uploads`) when absent. */
  folder?: unknown;
  /** SHA-256 the client computed, checked against what arrived. */
  sha256?: unknown;
}

/** A checked {@link UploadTarget}. */
export interface ResolvedTarget {
  fileName: string;
  folder: string;
  sha256?: string;
}

/** What the transfer already learnt about the file. */
export interface Received {
  /** SHA-256 of the bytes written, taken while they arrived (tus); the file is hashed otherwise. */
  contentHash?: string;
}

/** What became of a finished upload. */
export interface UploadOutcome {
  status: 'stored' | 'duplicate';
  /** The new asset, or the one that already holds this content (when the viewer may see it). */
  assetId: string | null;
  /** Where the file is, relative to the originals (for a duplicate: when the viewer may see it). */
  path: string | null;
  contentHash: string;
}

const MEDIA_REFUSALS: Record<string, [InstanceErrorCode, number]> = {
  empty: ['ERR_UPLOAD_EMPTY', 400],
  unsupported: ['ERR_UPLOAD_UNSUPPORTED', 415],
  polyglot: ['ERR_UPLOAD_POLYGLOT', 415],
  too_large: ['ERR_UPLOAD_TOO_LARGE', 413],
  pixel_bomb: ['ERR_UPLOAD_PIXEL_BOMB', 422],
  corrupt: ['ERR_UPLOAD_CORRUPT', 422],
  timeout: ['ERR_UPLOAD_CORRUPT', 422],
};
const MAX_NUMBERED = 1000;

/** The refusal for a full disk: the same code wherever it is met. */
export function storageFull(): InstanceError {
  return new InstanceError('ERR_STORAGE_FULL', 'there is not enough free space for this upload', 507);
}

/**
 * Turns a finished upload (tus, multipart or WebDAV) into an original: the target checked against
 * the role (libs/policy's `canUploadTo`), the content checked by libs/media, duplicates found by
 * content hash under a lock, the file placed under a free name by a same-file-system link, and the
 * asset written and queued like one found by indexing.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger('upload');
  readonly limits: MediaLimits;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    @Inject(MEDIA_QUEUE) private readonly queue: MediaQueues,
    private readonly uploads: UploadRepository,
    private readonly access: AccessRepository,
    private readonly clock: Clock,
  ) {
    const max = config.uploads.maxBytes;
    this.limits = {
      ...DEFAULT_MEDIA_LIMITS,
      maxImageBytes: Math.min(max, DEFAULT_MEDIA_LIMITS.maxImageBytes),
      maxVideoBytes: Math.min(max, DEFAULT_MEDIA_LIMITS.maxVideoBytes),
    };
  }

  /** The originals folder, where uploads land. */
  get originalsRoot(): string {
    return this.config.originalsPath;
  }

  /** Checks where an upload may go before any byte is taken; throws the refusal. */
  resolveTarget(viewer: Viewer, target: UploadTarget): ResolvedTarget {
    const checked = checkFileName(target.fileName);
    if ('problem' in checked)
      throw new InstanceError('ERR_UPLOAD_NAME', `the file name is refused (${checked.problem})`, 400, {
        problem: checked.problem,
      });
    let folder: string;
    try {
      // Absent means one's upload path; `''` is the root, which only whole-library roles may write to.
      const raw = target.folder === undefined || target.folder === null ? this.defaultFolder(viewer) : target.folder;
      folder = normalizeRelativePath(raw);
      for (const segment of folder ? folder.split('/') : []) {
        const part = checkFileName(segment);
        if ('problem' in part) throw new PolicyError('ERR_PATH_INVALID', `a folder name is refused (${part.problem})`);
      }
    } catch (error) {
      if (error instanceof PolicyError)
        throw new InstanceError('ERR_UPLOAD_PATH', error.message, 400, { problem: error.code });
      throw error;
    }
    if (!canUploadTo(viewer, folder))
      throw new InstanceError('ERR_FORBIDDEN', 'your role does not allow uploading into this folder', 403);
    const sha256 = this.checkHash(target.sha256);
    return { fileName: checked.name, folder, ...(sha256 ? { sha256 } : {}) };
  }

  /** A client's hash, lowercase hex, or none. */
  checkHash(value: unknown): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || !CONTENT_HASH_PATTERN.test(value.toLowerCase()))
      throw new InstanceError('ERR_UPLOAD_HASH_INVALID', 'sha256 must be 64 hexadecimal digits', 400);
    return value.toLowerCase();
  }

  /** Refuses a transfer whose content is already in the library (`ERR_UPLOAD_DUPLICATE`, 409). */
  async refuseKnownContent(viewer: Viewer, sha256: string | undefined): Promise<void> {
    if (!sha256) return;
    const existing = await this.uploads.liveWithHash(sha256);
    if (!existing) return;
    const visible = (await this.access.visibleAssets(viewer, [existing.id])).has(existing.id);
    throw new InstanceError('ERR_UPLOAD_DUPLICATE', 'this content is already in the library', 409, {
      assetId: visible ? existing.id : null,
      path: visible ? existing.path : null,
    });
  }

  /** Refuses (`ERR_STORAGE_FULL`) a transfer of `bytes` that the temporary area cannot hold. */
  async refuseWithoutSpace(bytes: number): Promise<void> {
    await mkdir(this.config.uploads.tmpPath, { recursive: true });
    const fs = await statfs(this.config.uploads.tmpPath);
    if (fs.bavail * fs.bsize < bytes) throw storageFull();
  }

  /**
   * Takes a complete file at `tempPath` into the originals, or refuses it; the temporary file is
   * left to the caller either way. Nothing in the originals or the database changes on a refusal.
   * The file is on disk (fsync) before it is linked, and the link before the answer.
   */
  async ingest(viewer: Viewer, target: ResolvedTarget, tempPath: string, received: Received = {}): Promise<UploadOutcome> {
    if (!canUploadTo(viewer, target.folder))
      throw new InstanceError('ERR_FORBIDDEN', 'your role does not allow uploading into this folder', 403);
    // The content check, the hash (unless it was taken on arrival) and the flush to disk read the
    // same file: side by side, on the thread pool, rather than one after the other.
    const [type, contentHash] = await settleInOrder(
      this.inspect(tempPath),
      received.contentHash ? Promise.resolve(received.contentHash) : hashFile(tempPath),
      flushFile(tempPath),
    );
    if (!extensionMatchesType(target.fileName, type))
      throw new InstanceError(
        'ERR_UPLOAD_TYPE_MISMATCH',
        `the content is ${type.mime}, which its name does not say`,
        415,
        { detected: type.mime },
      );
    if (target.sha256 && target.sha256 !== contentHash)
      throw new InstanceError('ERR_UPLOAD_HASH_MISMATCH', 'the content does not match the sha256 sent', 400);
    const fileName = withMediaExtension(target.fileName, type);
    const outcome = await this.uploads.withContentLock(contentHash, async (scope) => {
      const existing = await scope.liveWithHash(contentHash);
      if (existing) return { duplicateOf: existing, stored: undefined };
      const dir = await this.folderOnDisk(target.folder);
      const placed = await placeUnder(dir, fileName, tempPath);
      const relPath = target.folder ? `${target.folder}/${placed.name}` : placed.name;
      const id = randomUUID();
      try {
        await flushFolder(dir);
        await scope.insertUploaded(
          {
            id,
            path: relPath,
            size: placed.size,
            mtimeMs: placed.mtimeMs,
            contentHash,
            mediaType: type.mediaType,
            mime: type.mime,
            uploadedBy: viewer.id,
          },
          this.clock.now(),
        );
      } catch (error) {
        await unlink(join(dir, placed.name)).catch(() => undefined);
        throw error;
      }
      return { duplicateOf: undefined, stored: { id, relPath } };
    });
    if (outcome.duplicateOf) {
      const { id, path } = outcome.duplicateOf;
      const visible = (await this.access.visibleAssets(viewer, [id])).has(id);
      return { status: 'duplicate', assetId: visible ? id : null, path: visible ? path : null, contentHash };
    }
    const { id, relPath } = outcome.stored!;
    await this.queue.addNew([{ assetId: id, relPath, contentHash, kinds: KINDS[type.mediaType] }]);
    this.logger.log(`stored upload ${relPath} by ${viewer.id ?? 'unknown'}`);
    return { status: 'stored', assetId: id, path: relPath, contentHash };
  }

  /** Makes a folder one may upload into (WebDAV's MKCOL); the checks of {@link resolveTarget}. */
  async makeFolder(viewer: Viewer, folder: string): Promise<void> {
    const target = this.resolveTarget(viewer, { fileName: 'folder', folder });
    await this.folderOnDisk(target.folder);
  }

  /** True when `folder` is a real folder of the originals, reached without a symlink. */
  async folderExists(folder: string): Promise<boolean> {
    const root = await realpath(this.config.originalsPath).catch(() => undefined);
    if (!root) return false;
    let dir = root;
    for (const segment of folder ? folder.split('/') : []) {
      dir = join(dir, segment);
      const info = await lstat(dir).catch(() => undefined);
      if (!info?.isDirectory()) return false;
    }
    return true;
  }

  private defaultFolder(viewer: Viewer): string {
    if (viewer.uploadPath) return viewer.uploadPath;
    if (viewer.role === 'contributor')
      throw new InstanceError('ERR_FORBIDDEN', 'you have no upload path on this library', 403);
    return 'uploads';
  }

  private async inspect(path: string): Promise<DetectedType> {
    try {
      return await checkUpload(path, this.limits);
    } catch (error) {
      if (!isMediaError(error)) throw error;
      const [code, status] = MEDIA_REFUSALS[error.reason] ?? ['ERR_UPLOAD_CORRUPT', 422];
      throw new InstanceError(code, error.message, status, { reason: error.reason });
    }
  }

  /** The folder's real path inside the originals, made as needed; a link or file in the way is refused. */
  private async folderOnDisk(folder: string): Promise<string> {
    const root = await realpath(this.config.originalsPath).catch(() => {
      throw new InstanceError('ERR_ORIGINALS_UNAVAILABLE', 'the originals folder cannot be reached', 503);
    });
    let dir = root;
    for (const segment of folder ? folder.split('/') : []) {
      dir = join(dir, segment);
      const info = await lstat(dir).catch(() => undefined);
      if (!info) {
        await mkdir(dir).catch((error: unknown) => {
          if (!isErrno(error, 'EEXIST')) throw error;
        });
        const made = await lstat(dir);
        if (!made.isDirectory()) throw notAFolder(folder);
      } else if (!info.isDirectory()) {
        // Symlinks included: an upload never follows one out of the originals.
        throw notAFolder(folder);
      }
    }
    return dir;
  }
}

function notAFolder(folder: string): InstanceError {
  return new InstanceError('ERR_UPLOAD_PATH', `${folder} is not a folder of the library`, 409);
}

/** The name with an extension indexing reads, adding the detected one when it has none (or an odd one). */
function withMediaExtension(name: string, type: DetectedType): string {
  const ext = extname(name).slice(1).toLowerCase();
  return ext && MEDIA_EXTENSIONS.has(ext) ? name : `${name}.${type.ext}`;
}

/** Waits for all of `work`, then answers their values or the first failure in argument order. */
async function settleInOrder<T extends unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as T;
}

/** Flushes a file's data, or a folder's entries, to the disk (fsync). */
async function flushFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// File systems that cannot fsync a folder (some FUSE and network mounts) answer with one of these.
const NO_FOLDER_SYNC = ['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR', 'EBADF'];

/** Flushes a folder's entries (the new link) where the file system can; elsewhere it is left to it. */
async function flushFolder(path: string): Promise<void> {
  await flushFile(path).catch((error: unknown) => {
    if (!NO_FOLDER_SYNC.some((code) => isErrno(error, code))) throw error;
  });
}

/**
 * Links the file under the first free name (`a.jpg`, `a (2).jpg`, …): a link never replaces an
 * existing file, so two uploads of one name both survive. Across file systems it copies first.
 */
async function placeUnder(
  dir: string,
  name: string,
  source: string,
): Promise<{ name: string; size: number; mtimeMs: number }> {
  let from = source;
  let copied: string | undefined;
  try {
    for (let n = 1; n <= MAX_NUMBERED; n++) {
      const candidate = numberedName(name, n);
      try {
        await link(from, join(dir, candidate));
      } catch (error) {
        if (isErrno(error, 'EEXIST')) continue;
        if (isErrno(error, 'EXDEV') && !copied) {
          copied = join(dir, `.upload-${randomUUID()}.tmp`);
          await copyFile(source, copied, constants.COPYFILE_EXCL).catch((e: unknown) => {
            throw isErrno(e, 'ENOSPC') ? storageFull() : e;
          });
          await flushFile(copied);
          from = copied;
          n--;
          continue;
        }
        throw isErrno(error, 'ENOSPC') ? storageFull() : error;
      }
      const info = await stat(join(dir, candidate));
      return { name: candidate, size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
    }
    throw new InstanceError('ERR_UPLOAD_NAME', `too many files are already named like ${name}`, 409);
  } finally {
    if (copied) await unlink(copied).catch(() => undefined);
  }
}
