'use client';

/** The portal API from the browser: JSON, same-origin cookies, and the session's CSRF token. */
let csrfToken: string | undefined;

export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export async function api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (body !== undefined && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new ApiFailure(
      res.status,
      (data.error as ApiError) ?? { code: 'ERR_HTTP', message: `HTTP ${res.status}` },
    );
  if (typeof data.csrfToken === 'string') csrfToken = data.csrfToken;
  return data as T;
}

export interface SessionInfo {
  signedIn: boolean;
  stage?: 'password' | 'enrol_totp' | 'full';
  username?: string;
  name?: string;
  clusterAdmin?: boolean;
}

export const session = () => api<SessionInfo>('/api/session');

const UID = /^[A-Za-z0-9_-]{1,64}$/;

/** The issuer interaction this sign-in continues, if the query names a well-formed one. */
export function interactionFrom(params: URLSearchParams): string | undefined {
  const uid = params.get('interaction');
  return uid && UID.test(uid) ? uid : undefined;
}

export function withInteraction(path: string, uid: string | undefined): string {
  return uid ? `${path}?interaction=${encodeURIComponent(uid)}` : path;
}

/** Where to go once fully signed in: back to the issuer, or to the chooser. */
export function afterSignIn(uid: string | undefined): string {
  return uid ? `/interaction/${encodeURIComponent(uid)}` : '/chooser';
}

export function nextPage(next: string, uid: string | undefined): string {
  if (next === 'totp') return withInteraction('/signin/totp', uid);
  if (next === 'enrol_totp') return withInteraction('/signin/enrol', uid);
  return afterSignIn(uid);
}

export function describe(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.error.code === 'ERR_THROTTLED')
      return `Too many attempts. Try again in ${String(error.error.details?.retryAfter ?? 'a few')} seconds.`;
    return error.error.message;
  }
  return 'Something went wrong. Please try again.';
}
