'use client';

// The fetch/CSRF client is shared with the other UI: libs/web-client.
export { ApiFailure, api, forgetCsrfToken, type ApiError } from '@atrium/web-client';

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
