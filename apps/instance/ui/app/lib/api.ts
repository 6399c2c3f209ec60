'use client';

// The fetch/CSRF client is shared with the other UI: libs/web-client.
export { ApiFailure, api, forgetCsrfToken, type ApiError } from '@atrium/web-client';
import { ApiFailure, type ApiError } from '@atrium/web-client';

let csrf: string | undefined;

/** Remembers the session's CSRF token for {@link call}. */
export function rememberCsrfToken(token: string): void {
  csrf = token;
}

/** A JSON request with any method (PATCH, PUT, DELETE…); same-origin cookies and the CSRF token. */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
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
  return data as T;
}

export interface Session {
  userId: string;
  username: string;
  name: string | null;
  library: string;
  portalUrl: string;
  role: string;
  basePath: string | null;
  uploadPath?: string | null;
  csrfToken: string;
  permissions: string[];
}

export interface AssetSummary {
  id: string;
  type: 'image' | 'video';
  fileName: string;
  takenAt: string | null;
  sortAt: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  favorite: boolean;
  placeholder: string | null;
  thumbnailReady: boolean;
  version: string;
}

export interface AssetDetail extends AssetSummary {
  path: string;
  title: string | null;
  caption?: string | null;
  timeZone: string | null;
  private: boolean;
  archived: boolean;
  make: string | null;
  model: string | null;
  albums: Array<{ id: string; title: string }>;
  tags: string[];
  ready: Record<string, boolean>;
  canDownload: boolean;
}

export interface Album {
  id: string;
  title: string;
  description: string | null;
  createdAt: string;
  assetCount: number;
  coverId: string | null;
  order: 'desc' | 'asc';
}

export interface Month {
  month: string;
  count: number;
}

export interface ShareLink {
  id: string;
  kind: 'album' | 'asset';
  targetId: string;
  targetName: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  hasPassword: boolean;
  allowDownload: boolean;
  openCount: number;
  lastOpenedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
  url?: string;
}

export interface Page {
  items: AssetSummary[];
  nextCursor: string | null;
}

export interface IndexStatus {
  run: {
    id: string;
    status: string;
    phase: string;
    counts: Record<string, number>;
    error: string | null;
    startedAt: string;
    finishedAt: string | null;
  } | null;
  queues: Record<string, Record<string, number>> | null;
  library: Record<string, number>;
}

/** A media URL, versioned by content so the browser may keep it. */
export function mediaUrl(asset: Pick<AssetSummary, 'id' | 'version'>, kind: string, base = '/api'): string {
  return `${base}/assets/${asset.id}/${kind}?v=${asset.version}`;
}

/** Where to go when the session lapsed: a silent sign-in back to this page. */
export function silentSignIn(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/auth/login?prompt=none&return_to=${encodeURIComponent(here)}`);
}
