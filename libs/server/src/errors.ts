import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

/**
 * An error with a stable `code` callers and clients switch on. `status` is the HTTP status the
 * app's filter answers with; messages of 5xx errors are never sent to clients.
 */
export class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get expose(): boolean {
    return this.status < 500;
  }
}

export const notFound = (what = 'resource') => new ServerError('ERR_NOT_FOUND', `Not found or no access: ${what}`, 404);
export const forbidden = (message = 'Forbidden') => new ServerError('ERR_FORBIDDEN', message, 403);
export const unauthorized = (message = 'Sign-in required') => new ServerError('ERR_UNAUTHORIZED', message, 401);

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const HTTP_CODES: Record<number, string> = {
  400: 'ERR_BAD_REQUEST',
  401: 'ERR_UNAUTHORIZED',
  403: 'ERR_FORBIDDEN',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  409: 'ERR_CONFLICT',
  413: 'ERR_TOO_LARGE',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  429: 'ERR_TOO_MANY_REQUESTS',
};

/** Turns any thrown value into `{ status, body }`; unknown errors become an opaque 500. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ServerError) {
    const message = error.expose ? error.message : 'Internal server error';
    const details = error.expose ? error.details : undefined;
    return { status: error.status, body: { error: { code: error.code, message, ...(details ? { details } : {}) } } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const raw = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    const message = status >= 500 ? 'Internal server error' : Array.isArray(raw) ? raw.join('; ') : String(raw ?? error.message);
    return { status, body: { error: { code: HTTP_CODES[status] ?? (status >= 500 ? 'ERR_INTERNAL' : 'ERR_HTTP'), message } } };
  }
  return { status: 500, body: { error: { code: 'ERR_INTERNAL', message: 'Internal server error' } } };
}

export type FallbackHandler = (req: Request, res: Response) => Promise<void>;

/**
 * The one filter of every app: stable error codes to HTTP. A GET for an unknown path is handed to
 * the app's UI (Next.js) when one is mounted, so pages and API share one server.
 */
@Catch()
export class ErrorCodeFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorCodeFilter');

  constructor(private readonly fallback?: FallbackHandler) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { status, body } = toErrorResponse(error);
    if (status === 404 && this.fallback && isPageRequest(req) && !(error instanceof ServerError)) {
      this.fallback(req, res).catch((e) => this.logger.error(e));
      return;
    }
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (res.headersSent) return;
    res.status(status).json(body);
  }
}

function isPageRequest(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/');
}
