import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Server } from '@tus/server';
import { ERRORS, type Upload } from '@tus/utils';
import { Redis } from 'ioredis';
import { toErrorResponse } from '@atrium/server';
import type { Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';
import { HashingFileStore } from './hashing-file-store.js';
import { RedisLocker } from './redis-locker.js';
import { UploadService, storageFull, type ResolvedTarget } from './upload.service.js';

/** Where tus is mounted; upload URLs are `/api/uploads/<id>`. */
export const TUS_PATH = '/api/uploads';
// tus-server's default names: 32 hex digits. Anything else names no upload.
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const SWEEP_EVERY_MS = 15 * 60_000;

type TusError = { status_code: number; body: string };
/** The node request the session guard signed in, as tus hands it to hooks. */
type HookRequest = { runtime?: { node?: { req: IncomingMessage & { auth?: { viewer: Viewer } } } } };

// tus' own refusals, as the instance's stable codes.
const TUS_CODES: Record<number, [string, number]> = {
  400: ['ERR_UPLOAD_INVALID', 400],
  403: ['ERR_UPLOAD_INVALID', 400],
  404: ['ERR_NOT_FOUND', 404],
  409: ['ERR_UPLOAD_OFFSET', 409],
  410: ['ERR_NOT_FOUND', 404],
  413: ['ERR_UPLOAD_TOO_LARGE', 413],
  415: ['ERR_UPLOAD_INVALID', 415],
  501: ['ERR_UPLOAD_INVALID', 400],
};

function viewerOf(req: unknown): Viewer {
  const viewer = (req as HookRequest).runtime?.node?.req.auth?.viewer;
  if (!viewer) throw new InstanceError('ERR_SESSION_REQUIRED', 'sign in first', 401);
  return viewer;
}

function asTusError(error: unknown): TusError {
  const { status, body } = toErrorResponse(error);
  return { status_code: status, body: JSON.stringify(body) };
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Maps any tus refusal (its own, a file-system error, or ours) to the instance's JSON error body. */
export function mapTusError(error: Error | TusError): TusError {
  if (isErrno(error, 'ENOSPC') || isErrno((error as { cause?: unknown }).cause, 'ENOSPC'))
    return asTusError(storageFull());
  if (error === ERRORS.ERR_LOCK_TIMEOUT)
    return asTusError(new InstanceError('ERR_UPLOAD_LOCKED', 'another request is still writing this upload; try again', 423));
  if ('status_code' in error && typeof error.body === 'string') {
    if (error.body.startsWith('{')) return error;
    const [code, status] = TUS_CODES[error.status_code] ?? ['ERR_INTERNAL', error.status_code];
    const message = status >= 500 ? 'Internal server error' : error.body.trim();
    return { status_code: status, body: JSON.stringify({ error: { code, message } }) };
  }
  return asTusError(error);
}

function targetOf(upload: Upload): ResolvedTarget {
  const metadata = upload.metadata ?? {};
  return {
    fileName: metadata.filename ?? '',
    folder: metadata.folder ?? '',
    ...(metadata.sha256 ? { sha256: metadata.sha256 } : {}),
  };
}

/**
 * Resumable uploads (tus 1.0 through `@tus/server` and `@tus/file-store`): partial files and their
 * state live under UPLOAD_TMP_PATH, so an upload resumes after a browser or server restart. Each
 * upload belongs to the person who created it; once complete it goes through {@link UploadService}.
 * Partial uploads idle for UPLOAD_EXPIRE_AFTER are swept away.
 */
@Injectable()
export class TusUploadsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('tus');
  private readonly store: HashingFileStore;
  private readonly server: Server;
  private readonly redis: Redis[];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly uploads: UploadService,
  ) {
    this.store = new HashingFileStore({
      directory: config.uploads.tmpPath,
      expirationPeriodInMilliseconds: config.uploads.expireAfterMs,
    });
    const commands = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    this.redis = [commands, commands.duplicate()];
    for (const connection of this.redis) this.reportErrors(connection);
    this.server = new Server({
      path: TUS_PATH,
      datastore: this.store,
      // Replicas share UPLOAD_TMP_PATH: an upload is locked in the instance's Redis, not in memory.
      locker: new RedisLocker(commands, this.redis[1]!, { prefix: `atrium-${config.nodeName}` }),
      // Behind a proxy the origin differs from what Node sees; a relative Location needs neither.
      relativeLocation: true,
      maxSize: config.uploads.maxBytes,
      onUploadCreate: (req, upload) => this.onCreate(viewerOf(req), upload),
      onUploadFinish: (req, upload) => this.onFinish(viewerOf(req), upload),
      onResponseError: (_req, error) => mapTusError(error),
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.min(SWEEP_EVERY_MS, this.config.uploads.expireAfterMs));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const connection of this.redis) connection.disconnect();
  }

  /** Hands a request to tus; for an existing upload, only its owner gets that far. */
  async handle(viewer: Viewer, req: IncomingMessage, res: ServerResponse, id?: string): Promise<void> {
    if (id !== undefined) await this.requireOwner(viewer, id);
    await this.server.handle(req, res);
  }

  /** Removes partial uploads idle for longer than UPLOAD_EXPIRE_AFTER; returns how many. */
  async sweep(): Promise<number> {
    try {
      const removed = await this.server.cleanUpExpiredUploads();
      if (removed) this.logger.log(`removed ${removed} abandoned upload(s)`);
      return removed;
    } catch (error) {
      this.logger.warn(`sweeping abandoned uploads failed: ${(error as Error).message}`);
      return 0;
    }
  }

  /** Says once (not at every reconnect attempt) that the upload locks' Redis is away, and when it is back. */
  private reportErrors(connection: Redis): void {
    let down = false;
    connection.on('error', (error: Error) => {
      if (!down) this.logger.warn(`upload locks: Redis does not answer (${error.message})`);
      down = true;
    });
    connection.on('ready', () => {
      if (down) this.logger.log('upload locks: Redis answers again');
      down = false;
    });
  }

  private async requireOwner(viewer: Viewer, id: string): Promise<void> {
    if (!UPLOAD_ID.test(id)) throw notFoundOrNoAccess('upload');
    const upload = await this.store.getUpload(id).catch(() => undefined);
    if (!upload || upload.metadata?.owner !== viewer.id) throw notFoundOrNoAccess('upload');
  }

  private async onCreate(viewer: Viewer, upload: Upload): Promise<{ metadata: Record<string, string> }> {
    try {
      if (upload.sizeIsDeferred || upload.size === undefined)
        throw new InstanceError('ERR_UPLOAD_LENGTH_REQUIRED', 'send Upload-Length: the size must be known', 400);
      if (upload.size === 0) throw new InstanceError('ERR_UPLOAD_EMPTY', 'the file is empty', 400);
      const target = this.uploads.resolveTarget(viewer, {
        fileName: upload.metadata?.filename,
        folder: upload.metadata?.folder || undefined,
        sha256: upload.metadata?.sha256 ?? undefined,
      });
      await this.uploads.refuseKnownContent(viewer, target.sha256);
      await this.uploads.refuseWithoutSpace(upload.size);
      return {
        metadata: {
          filename: target.fileName,
          folder: target.folder,
          ...(target.sha256 ? { sha256: target.sha256 } : {}),
          owner: viewer.id ?? '',
        },
      };
    } catch (error) {
      throw asTusError(error);
    }
  }

  private async onFinish(viewer: Viewer, upload: Upload) {
    try {
      const contentHash = this.store.takeDigest(upload.id, upload.size ?? -1);
      const outcome = await this.uploads.ingest(viewer, targetOf(upload), join(this.store.directory, upload.id), {
        ...(contentHash ? { contentHash } : {}),
      });
      await this.store.remove(upload.id).catch(() => undefined);
      return { status_code: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(outcome) };
    } catch (error) {
      const mapped = asTusError(error);
      // A refused file is dropped; after a server-side failure it stays, to be retried or swept.
      if (mapped.status_code < 500) await this.store.remove(upload.id).catch(() => undefined);
      throw mapped;
    }
  }
}
