'use client';

/** The instance API from the browser: JSON, same-origin cookies, the session's CSRF token. */
let csrfToken: string | undefined;

export interface ApiError {
  code: string;
  message: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export async function api<T>(path: string, body?: unknown): Promise<T> {
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

export interface Session {
  userId: string;
  username: string;
  name: string | null;
  library: string;
  portalUrl: string;
  role: string;
  basePath: string | null;
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
export function mediaUrl(asset: Pick<AssetSummary, 'id' | 'version'>, kind: string): string {
  return `/api/assets/${asset.id}/${kind}?v=${asset.version}`;
}

/** Where to go when the session lapsed: a silent sign-in back to this page. */
export function silentSignIn(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/auth/login?prompt=none&return_to=${encodeURIComponent(here)}`);
}
