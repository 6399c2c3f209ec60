import { canSeeAsset, type Viewer } from '@atrium/policy';
import type { SeededLibrary } from './random-library.js';

// The shape of the route × role test (controllers/routes.int-spec.ts) and the helpers its cases share.

export type Target = { kind: 'none' } | { kind: 'asset'; index: number } | { kind: 'album'; index: number };

export interface Expected {
  status: number;
  /** For listings: exactly these ids (or names) in the body. */
  keys?: string[];
}

/** What a case may use besides the library: the token of the viewer's first share link and its visitor. */
export interface Ctx {
  token: string;
  /** The visitor that token makes; `null` when the viewer holds no link (the token then names nothing). */
  visitor: Viewer | null;
}

export interface RouteCase {
  method: 'GET' | 'POST' | 'HEAD' | 'PATCH' | 'PUT' | 'DELETE';
  /** Headers and body; state-changing routes without one send `body` (or `{}`) as JSON. */
  init?: () => RequestInit;
  /** The route as the OpenAPI document names it. */
  route: string;
  targets: 'none' | 'asset' | 'album';
  url(library: SeededLibrary, target: Target, ctx: Ctx): string;
  /** A JSON body for state-changing routes (`{}` when absent). */
  body?(library: SeededLibrary, target: Target): unknown;
  expect(viewer: Viewer, library: SeededLibrary, target: Target, ctx: Ctx): Expected;
  /** The ids or names a listing answered. */
  keys?(body: unknown): string[];
  /** Public routes (share links): answered alike with or without a session, the visitor role included. */
  public?: boolean;
}

export const live = (library: SeededLibrary) => library.assets.filter((a) => !a.trashed);
export const assetOf = (library: SeededLibrary, target: Target) =>
  library.assets[(target as { index: number }).index]!;
export const albumOf = (library: SeededLibrary, target: Target) =>
  library.albums[(target as { index: number }).index]!;
export const seeAsset = (viewer: Viewer, library: SeededLibrary, target: Target) => {
  const asset = assetOf(library, target);
  return !asset.trashed && canSeeAsset(viewer, asset);
};
export const sorted = (keys: string[]) => [...keys].sort();
export const ids = (body: unknown) =>
  sorted(((body as { items?: unknown[] }).items ?? (body as unknown[])).map((i) => (i as { id: string }).id));
export const status = (allowed: boolean, refused = 404): Expected => ({ status: allowed ? 200 : refused });
