import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { sandboxFileHeaders } from '@atrium/server';
import { ifNoneMatchHits, parseRange } from './range.js';

/** A file to stream, with what the response says about it. */
export interface StreamedFile {
  path: string;
  contentType: string;
  etag: string;
  cacheControl: string;
  /** `inline` or `attachment; filename…`; none when unset. */
  disposition?: string;
}

/**
 * Streams a file with HTTP range support: `Accept-Ranges`, one byte range (206) or the whole file,
 * 416 for a range past the end, `If-None-Match` (304) and `If-Range`. The file is opened once and
 * read through that handle, so what is measured is what is sent. False when it is not a regular file.
 */
export async function sendFile(req: Request, res: Response, file: StreamedFile): Promise<boolean> {
  const handle = await open(file.path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return false;
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', file.etag);
    res.setHeader('Last-Modified', info.mtime.toUTCString());
    res.setHeader('Cache-Control', file.cacheControl);
    // An HTML or SVG original opened directly must not run as a page of the library.
    sandboxFileHeaders(res);
    if (file.disposition) res.setHeader('Content-Disposition', file.disposition);
    if (ifNoneMatchHits(req.headers['if-none-match'], file.etag)) {
      res.status(304).end();
      return true;
    }
    const ifRange = req.headers['if-range'];
    const range =
      ifRange !== undefined && ifRange !== file.etag
        ? { kind: 'full' as const }
        : parseRange(req.headers.range, info.size);
    if (range.kind === 'unsatisfiable') {
      res.status(416).setHeader('Content-Range', `bytes */${info.size}`).end();
      return true;
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.size - 1];
    res.status(range.kind === 'partial' ? 206 : 200);
    if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${info.size}`);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
    if (req.method === 'HEAD' || info.size === 0) {
      res.end();
      return true;
    }
    const stream = createReadStream('', { fd: handle.fd, start, end, autoClose: false });
    await pipeline(stream, res).catch(() => undefined);
    return true;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
