import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { toErrorResponse } from '@atrium/server';
import type { Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { InstanceError } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';
import { UploadService, storageFull, type UploadOutcome } from './upload.service.js';

/** One file of a multipart request: what became of it, or why it was refused. */
export type MultipartResult =
  | (UploadOutcome & { fileName: string })
  | { fileName: string; error: { code: string; message: string } };

const MAX_FILES = 20;

interface Received {
  fileName: string;
  tempPath?: string;
  refusal?: unknown;
}

/**
 * Plain `multipart/form-data` uploads for small files and scripts (`curl -F folder=… -F file=@a.jpg`):
 * fields `folder` and `sha256` come before the files they apply to; each file is written to the
 * temporary area (at most UPLOAD_MULTIPART_MAX_BYTES) and then taken in like a finished tus upload.
 */
@Injectable()
export class MultipartUploadsService {
  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly uploads: UploadService,
  ) {}

  async receive(viewer: Viewer, req: IncomingMessage): Promise<{ status: number; files: MultipartResult[] }> {
    if (!req.headers['content-type']?.startsWith('multipart/form-data'))
      throw new InstanceError('ERR_UPLOAD_INVALID', 'send multipart/form-data with one or more files', 415);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > 0) await this.uploads.refuseWithoutSpace(declared);
    await mkdir(this.config.uploads.tmpPath, { recursive: true });
    const received: Array<Received & { fields: Fields }> = [];
    const files: MultipartResult[] = [];
    try {
      await this.parse(req, received);
      for (const file of received) files.push(await this.take(viewer, file, file.fields));
    } finally {
      await Promise.all(received.map((f) => (f.tempPath ? unlink(f.tempPath).catch(() => undefined) : null)));
    }
    if (!files.length) throw new InstanceError('ERR_UPLOAD_INVALID', 'the request holds no file', 400);
    const refused = files.find((f): f is Extract<MultipartResult, { error: unknown }> => 'error' in f);
    if (!refused) return { status: 201, files };
    const first = received.find((f) => f.fileName === refused.fileName && f.refusal)?.refusal;
    const { status } = toErrorResponse(first);
    throw new InstanceError(refused.error.code as never, refused.error.message, status, { files });
  }

  private async take(viewer: Viewer, file: Received, fields: Fields): Promise<MultipartResult> {
    try {
      if (file.refusal) throw file.refusal;
      const target = this.uploads.resolveTarget(viewer, { fileName: file.fileName, ...fields });
      return { fileName: file.fileName, ...(await this.uploads.ingest(viewer, target, file.tempPath!)) };
    } catch (error) {
      file.refusal = error;
      const { status, body } = toErrorResponse(error);
      if (status >= 500) throw error;
      return { fileName: file.fileName, error: { code: body.error.code, message: body.error.message } };
    }
  }

  /** Streams each file part to a temporary file; fields seen so far travel with it. */
  private parse(req: IncomingMessage, received: Array<Received & { fields: Fields }>): Promise<void> {
    const limit = this.config.uploads.multipartMaxBytes;
    return new Promise((resolve, reject) => {
      const fields: Fields = {};
      const writes: Array<Promise<void>> = [];
      let parser: busboy.Busboy;
      try {
        // Paths are kept so that hostile names are seen and refused, not silently cut.
        parser = busboy({
          headers: req.headers,
          preservePath: true,
          limits: { fileSize: limit, files: MAX_FILES, fields: 10, fieldSize: 4096, parts: MAX_FILES + 10 },
        });
      } catch {
        reject(new InstanceError('ERR_UPLOAD_INVALID', 'the multipart request cannot be read', 400));
        return;
      }
      parser.on('field', (name, value) => {
        if ((name === 'folder' || name === 'sha256') && value !== '') fields[name] = value;
      });
      parser.on('file', (_name, stream: Readable, info) => {
        const file: Received & { fields: Fields } = { fileName: info.filename ?? '', fields: { ...fields } };
        received.push(file);
        const tempPath = join(this.config.uploads.tmpPath, `multipart-${randomUUID()}`);
        file.tempPath = tempPath;
        stream.on('limit', () => {
          file.refusal = new InstanceError('ERR_UPLOAD_TOO_LARGE', `a multipart file may have at most ${limit} bytes; use tus`, 413);
        });
        writes.push(
          pipeline(stream, createWriteStream(tempPath, { flags: 'wx' })).catch((error: unknown) => {
            file.refusal = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? storageFull() : error;
            stream.resume();
          }),
        );
      });
      parser.on('filesLimit', () => reject(new InstanceError('ERR_UPLOAD_INVALID', `at most ${MAX_FILES} files per request`, 400)));
      parser.on('error', () => reject(new InstanceError('ERR_UPLOAD_INVALID', 'the multipart request is malformed', 400)));
      parser.on('close', () => void Promise.all(writes).then(() => resolve()));
      req.on('aborted', () => reject(new InstanceError('ERR_UPLOAD_INVALID', 'the request was cut off', 400)));
      req.pipe(parser);
    });
  }
}

interface Fields {
  folder?: string;
  sha256?: string;
}
