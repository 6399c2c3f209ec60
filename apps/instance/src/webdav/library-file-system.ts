import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import webdavServer from 'webdav-server';
import type { v2 as Dav } from 'webdav-server';
import { isErrno, isMediaError, resolveOriginal } from '@atrium/media';
import { canUploadTo, isWithinPath, type Viewer } from '@atrium/policy';
import { toErrorResponse } from '@atrium/server';
import { AccessRepository } from '../repositories/access.repository.js';
import { DavRepository, type DavFile } from '../repositories/dav.repository.js';
import { InstanceError } from '../common/errors.js';
import { storageFull, type UploadService } from '../services/upload.service.js';

const { v2 } = webdavServer;
type Callback<T> = (error?: Error, value?: T) => void;

/** The signed-in person of a WebDAV request (an app password checked at the portal). */
export interface DavUser {
  uid: string;
  username: string;
  isAdministrator: false;
  isDefaultUser: false;
  viewer: Viewer;
}

/** What a path is for one viewer, cached for the length of one request. */
type Node = { kind: 'folder' } | { kind: 'file'; file: DavFile } | { kind: 'pending' };

// Refusals as the HTTP status WebDAV clients act on; the stable code goes in X-Atrium-Error.
const STATUS_ERRORS = new Map<number, Error>();
for (const status of [400, 413, 415, 422])
  STATUS_ERRORS.set(status, new Error(`refused with ${status}`));
// The table is protected in the typings but meant to be extended.
const statusTable = (v2.HTTPRequestContext as unknown as { defaultErrorStatusCodes: Array<{ error: Error; code: number }> })
  .defaultErrorStatusCodes;
for (const [status, error] of STATUS_ERRORS) statusTable.push({ error, code: status });

function davError(error: unknown, ctx: Dav.RequestContext): Error {
  const { status, body } = toErrorResponse(error);
  if (status >= 500 && status !== 507) return error instanceof Error ? error : new Error(String(error));
  (ctx as Dav.HTTPRequestContext).response?.setHeader('X-Atrium-Error', body.error.code);
  if (status === 401 || status === 403) return v2.Errors.Forbidden;
  if (status === 404) return v2.Errors.ResourceNotFound;
  if (status === 409) return v2.Errors.ResourceAlreadyExists;
  if (status === 507) return v2.Errors.InsufficientStorage;
  return STATUS_ERRORS.get(status) ?? STATUS_ERRORS.get(400)!;
}

function tooLarge(maxBytes: number): InstanceError {
  return new InstanceError('ERR_UPLOAD_TOO_LARGE', `a file may hold at most ${maxBytes} bytes here`, 413);
}

function relPathOf(path: Dav.Path): string {
  return path.paths.join('/');
}

/**
 * The library as one WebDAV tree per viewer (webdav-server's FileSystem): folders and files are
 * what the visibility SQL shows that person, downloads need the access layer's download check,
 * and writes go only where `canUploadTo` allows, each finished file taken in by the upload service
 * (type, size, duplicates, a free name). Nothing is renamed, moved or deleted through WebDAV.
 */
export class LibraryFileSystem extends v2.FileSystem {
  private readonly nodes = new WeakMap<object, Map<string, Node | null>>();

  constructor(
    private readonly dav: DavRepository,
    private readonly access: AccessRepository,
    private readonly uploads: UploadService,
    private readonly tmpPath: string,
    /** UPLOAD_MAX_BYTES: a PUT that says or sends more is refused (413) before it fills the disk. */
    private readonly maxBytes: number,
  ) {
    super(new v2.VirtualSerializer());
  }

  private viewerOf(ctx: Dav.RequestContext): Viewer {
    return (ctx.user as unknown as DavUser).viewer;
  }

  private cache(ctx: Dav.RequestContext): Map<string, Node | null> {
    let map = this.nodes.get(ctx);
    if (!map) this.nodes.set(ctx, (map = new Map()));
    return map;
  }

  /** A folder the viewer may write into, or on the way to its upload path. */
  private reachable(viewer: Viewer, folder: string): boolean {
    if (folder === '') return true;
    try {
      return (
        canUploadTo(viewer, folder) || (viewer.uploadPath !== null && isWithinPath(viewer.uploadPath, folder))
      );
    } catch {
      return false;
    }
  }

  private async node(ctx: Dav.RequestContext, rel: string): Promise<Node | null> {
    const cache = this.cache(ctx);
    if (cache.has(rel)) return cache.get(rel)!;
    const viewer = this.viewerOf(ctx);
    let node: Node | null = null;
    const file = rel ? await this.dav.file(viewer, rel) : undefined;
    if (file) node = { kind: 'file', file };
    else if (rel === '') node = { kind: 'folder' };
    else if (this.reachable(viewer, rel) && (await this.uploads.folderExists(rel))) node = { kind: 'folder' };
    // One's upload path and the folders on the way to it are there before the first upload makes them.
    else if (viewer.uploadPath && isWithinPath(viewer.uploadPath, rel)) node = { kind: 'folder' };
    else {
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      const listing = await this.dav.folder(viewer, parent);
      if (listing.folders.includes(rel.slice(rel.lastIndexOf('/') + 1))) node = { kind: 'folder' };
    }
    cache.set(rel, node);
    return node;
  }

  private run<T>(ctx: Dav.RequestContext, callback: Callback<T>, work: () => Promise<T>): void {
    work().then(
      (value) => callback(undefined, value),
      (error: unknown) => callback(davError(error, ctx)),
    );
  }

  private async required(ctx: Dav.RequestContext, path: Dav.Path): Promise<Node> {
    const node = await this.node(ctx, relPathOf(path));
    if (!node) throw v2.Errors.ResourceNotFound;
    return node;
  }

  protected override _fastExistCheck(ctx: Dav.RequestContext, path: Dav.Path, callback: (exists: boolean) => void): void {
    this.node(ctx, relPathOf(path)).then(
      (node) => callback(node !== null),
      () => callback(false),
    );
  }

  protected override _type(path: Dav.Path, info: Dav.TypeInfo, callback: Callback<Dav.ResourceType>): void {
    this.node(info.context, relPathOf(path)).then(
      (node) => {
        if (!node) return callback(v2.Errors.ResourceNotFound);
        callback(undefined, node.kind === 'folder' ? v2.ResourceType.Directory : v2.ResourceType.File);
      },
      (error: unknown) => callback(davError(error, info.context)),
    );
  }

  protected override _readDir(path: Dav.Path, info: Dav.ReadDirInfo, callback: Callback<string[]>): void {
    this.run(info.context, callback, async () => {
      const rel = relPathOf(path);
      if ((await this.required(info.context, path)).kind !== 'folder') throw v2.Errors.ResourceNotFound;
      const viewer = this.viewerOf(info.context);
      const listing = await this.dav.folder(viewer, rel);
      const cache = this.cache(info.context);
      const names = new Set<string>();
      for (const file of listing.files) {
        const name = file.path.slice(file.path.lastIndexOf('/') + 1);
        cache.set(file.path, { kind: 'file', file });
        names.add(name);
      }
      const folders = new Set(listing.folders);
      // The way down to one's upload path, and the folders on disk where one may write.
      if (viewer.uploadPath && isWithinPath(viewer.uploadPath, rel) && viewer.uploadPath !== rel)
        folders.add(viewer.uploadPath.slice(rel ? rel.length + 1 : 0).split('/')[0]!);
      if (this.reachable(viewer, rel) && canUploadToSafe(viewer, rel || 'x')) {
        const dir = join(...[this.uploadsRoot(), ...(rel ? rel.split('/') : [])]);
        for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => []))
          if (entry.isDirectory() && !entry.name.startsWith('.')) folders.add(entry.name);
      }
      for (const folder of folders) {
        cache.set(rel ? `${rel}/${folder}` : folder, { kind: 'folder' });
        names.add(folder);
      }
      return [...names].sort();
    });
  }

  private uploadsRoot(): string {
    return this.uploads.originalsRoot;
  }

  protected override _size(path: Dav.Path, info: Dav.SizeInfo, callback: Callback<number>): void {
    this.run(info.context, callback, async () => {
      const node = await this.required(info.context, path);
      if (node.kind === 'folder') throw v2.Errors.NoSizeForAFolder;
      return node.kind === 'file' ? node.file.size : 0;
    });
  }

  protected override _lastModifiedDate(path: Dav.Path, info: Dav.LastModifiedDateInfo, callback: Callback<number>): void {
    this.run(info.context, callback, async () => {
      const node = await this.required(info.context, path);
      return node.kind === 'file' ? node.file.mtime.getTime() : 0;
    });
  }

  protected override _creationDate(path: Dav.Path, info: Dav.CreationDateInfo, callback: Callback<number>): void {
    this._lastModifiedDate(path, info, callback);
  }

  protected override _mimeType(path: Dav.Path, info: Dav.MimeTypeInfo, callback: Callback<string>): void {
    this.run(info.context, callback, async () => {
      const node = await this.required(info.context, path);
      if (node.kind === 'folder') throw v2.Errors.NoMimeTypeForAFolder;
      return node.kind === 'file' ? node.file.mime : 'application/octet-stream';
    });
  }

  protected override _etag(path: Dav.Path, info: Dav.ETagInfo, callback: Callback<string>): void {
    this.run(info.context, callback, async () => {
      const node = await this.required(info.context, path);
      return node.kind === 'file' ? node.file.contentHash.slice(0, 32) : relPathOf(path);
    });
  }

  protected override _openReadStream(path: Dav.Path, info: Dav.OpenReadStreamInfo, callback: Callback<Readable>): void {
    this.run(info.context, callback, async () => {
      const node = await this.required(info.context, path);
      if (node.kind !== 'file') throw v2.Errors.ResourceNotFound;
      const viewer = this.viewerOf(info.context);
      if (!(await this.access.downloadableAssets(viewer, [node.file.id])).has(node.file.id)) throw v2.Errors.Forbidden;
      try {
        return createReadStream((await resolveOriginal(this.uploadsRoot(), node.file.path)).path);
      } catch (error) {
        if (isMediaError(error)) throw v2.Errors.ResourceNotFound;
        throw error;
      }
    });
  }

  /** MKCOL inside one's upload path; a new file is only noted here and made when its bytes arrived. */
  protected override _create(path: Dav.Path, info: Dav.CreateInfo, callback: (error?: Error) => void): void {
    const rel = relPathOf(path);
    const viewer = this.viewerOf(info.context);
    const work = async () => {
      if (info.type.isDirectory) {
        await this.uploads.makeFolder(viewer, rel);
        this.cache(info.context).set(rel, { kind: 'folder' });
        return;
      }
      const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      this.uploads.resolveTarget(viewer, { fileName: rel.slice(rel.lastIndexOf('/') + 1), folder });
      if (await this.dav.taken(rel)) throw v2.Errors.ResourceAlreadyExists;
      this.cache(info.context).set(rel, { kind: 'pending' });
    };
    work().then(
      () => callback(),
      (error: unknown) => callback(davError(error, info.context)),
    );
  }

  protected override _openWriteStream(path: Dav.Path, info: Dav.OpenWriteStreamInfo, callback: Callback<Writable>): void {
    this.run(info.context, callback, async () => {
      const rel = relPathOf(path);
      const node = await this.node(info.context, rel);
      if (node?.kind !== 'pending') throw v2.Errors.ResourceAlreadyExists;
      const viewer = this.viewerOf(info.context);
      const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      const target = this.uploads.resolveTarget(viewer, { fileName: rel.slice(rel.lastIndexOf('/') + 1), folder });
      // A PUT that says its length is refused up front when it is too large or would not fit.
      const declared = info.estimatedSize;
      if (Number.isFinite(declared) && declared > this.maxBytes) throw tooLarge(this.maxBytes);
      if (Number.isFinite(declared) && declared > 0) await this.uploads.refuseWithoutSpace(declared);
      await mkdir(this.tmpPath, { recursive: true });
      const tempPath = join(this.tmpPath, `webdav-${randomUUID()}`);
      const file = createWriteStream(tempPath, { flags: 'wx' });
      // A write error (a full disk) reaches the next write or the end, never the process.
      let failed: Error | undefined;
      file.on('error', (error) => (failed ??= error));
      const uploads = this.uploads;
      const context = info.context;
      const maxBytes = this.maxBytes;
      let written = 0;
      // Hashed as it arrives, so the finished file is not read a second time for its content hash.
      const hash = createHash('sha256');
      const refusal = (error: unknown) => davError(isErrno(error, 'ENOSPC') ? storageFull() : error, context);
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          if (failed) return done(refusal(failed));
          if (written > maxBytes) return done(refusal(tooLarge(maxBytes)));
          hash.update(chunk);
          file.write(chunk, (error) => done(error ? refusal(error) : undefined));
        },
        final(done) {
          if (failed) {
            void unlink(tempPath).catch(() => undefined);
            return done(refusal(failed));
          }
          file.end(() => {
            if (failed) {
              void unlink(tempPath).catch(() => undefined);
              return done(refusal(failed));
            }
            uploads
              .ingest(viewer, target, tempPath, { contentHash: hash.digest('hex') })
              .then(
                () => done(),
                (error: unknown) => done(refusal(error)),
              )
              .finally(() => void unlink(tempPath).catch(() => undefined));
          });
        },
        destroy(error, done) {
          file.destroy();
          void unlink(tempPath).catch(() => undefined);
          done(error);
        },
      });
    });
  }

  protected override _lockManager(_path: Dav.Path, _info: Dav.LockManagerInfo, callback: Callback<Dav.ILockManager>): void {
    callback(undefined, new v2.LocalLockManager());
  }

  protected override _propertyManager(_path: Dav.Path, _info: Dav.PropertyManagerInfo, callback: Callback<Dav.IPropertyManager>): void {
    callback(undefined, new v2.LocalPropertyManager());
  }
}

function canUploadToSafe(viewer: Viewer, folder: string): boolean {
  try {
    return canUploadTo(viewer, folder);
  } catch {
    return false;
  }
}
