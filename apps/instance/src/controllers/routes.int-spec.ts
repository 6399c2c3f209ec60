import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROLES,
  can,
  canDownloadOriginal,
  canSeeAlbum,
  canSeeAsset,
  canUploadTo,
  type Role,
  type Viewer,
} from '@atrium/policy';
import { CookieJar } from '@atrium/testing';
import { LibraryFilesRepository } from '../repositories/library-files.repository.js';
import { SessionService } from '../services/session.service.js';
import { UserRepository } from '../repositories/user.repository.js';
import { InstanceHarness } from '../test/instance.js';
import { tagAsset } from '../test/library.js';
import {
  librarySpec,
  seedLibrary,
  viewerFor,
  viewerSpec,
  type SeededLibrary,
} from '../test/random-library.js';

// Every route × every role, against what libs/policy says the answer must be. A route added to
// the API without a row here fails the coverage check below.

type Target = { kind: 'none' } | { kind: 'asset'; index: number } | { kind: 'album'; index: number };

interface Expected {
  status: number;
  /** For listings: exactly these ids (or names) in the body. */
  keys?: string[];
}

interface RouteCase {
  method: 'GET' | 'POST' | 'HEAD' | 'PATCH' | 'DELETE';
  /** Headers and body; state-changing routes without one send `{}` as JSON. */
  init?: () => RequestInit;
  /** The route as the OpenAPI document names it. */
  route: string;
  targets: 'none' | 'asset' | 'album';
  url(library: SeededLibrary, target: Target): string;
  expect(viewer: Viewer, library: SeededLibrary, target: Target): Expected;
  /** The ids or names a listing answered. */
  keys?(body: unknown): string[];
}

const PUBLIC_ROUTES = ['GET /healthz', 'GET /readyz', 'GET /metrics'];
const live = (library: SeededLibrary) => library.assets.filter((a) => !a.trashed);
const assetOf = (library: SeededLibrary, target: Target) =>
  library.assets[(target as { index: number }).index]!;
const albumOf = (library: SeededLibrary, target: Target) =>
  library.albums[(target as { index: number }).index]!;
const seeAsset = (viewer: Viewer, library: SeededLibrary, target: Target) => {
  const asset = assetOf(library, target);
  return !asset.trashed && canSeeAsset(viewer, asset);
};
const sorted = (keys: string[]) => [...keys].sort();
const ids = (body: unknown) =>
  sorted(((body as { items?: unknown[] }).items ?? (body as unknown[])).map((i) => (i as { id: string }).id));
const status = (allowed: boolean, refused = 404): Expected => ({ status: allowed ? 200 : refused });
const TAGS = ['t0', 't1', 't2'];

function mediaCase(
  kind: string,
  allowed: (viewer: Viewer, library: SeededLibrary, target: Target) => boolean,
): RouteCase {
  return {
    method: 'GET',
    route: '/api/assets/{id}/{kind}',
    targets: 'asset',
    url: (l, t) => `/api/assets/${assetOf(l, t).id}/${kind}`,
    expect: (v, l, t) => status(allowed(v, l, t)),
  };
}

const ROUTES: RouteCase[] = [
  {
    method: 'GET',
    route: '/api/session',
    targets: 'none',
    url: () => '/api/session',
    expect: () => status(true),
  },
  {
    method: 'GET',
    route: '/api/assets',
    targets: 'none',
    url: () => '/api/assets?limit=500',
    expect: (v, l) => ({
      status: 200,
      keys: sorted(
        live(l)
          .filter((a) => canSeeAsset(v, a))
          .map((a) => a.id),
      ),
    }),
    keys: ids,
  },
  {
    method: 'GET',
    route: '/api/assets',
    targets: 'album',
    url: (l, t) => `/api/assets?limit=500&album=${albumOf(l, t).id}`,
    expect: (v, l, t) => {
      const album = albumOf(l, t);
      if (!canSeeAlbum(v, album)) return { status: 404 };
      return {
        status: 200,
        keys: sorted(
          live(l)
            .filter((a) => a.albums.some((x) => x.id === album.id) && canSeeAsset(v, a))
            .map((a) => a.id),
        ),
      };
    },
    keys: ids,
  },
  {
    method: 'GET',
    route: '/api/assets/{id}',
    targets: 'asset',
    url: (l, t) => `/api/assets/${assetOf(l, t).id}`,
    expect: (v, l, t) => status(seeAsset(v, l, t)),
  },
  mediaCase('thumbnail', seeAsset),
  mediaCase('preview', seeAsset),
  mediaCase('original', (v, l, t) => !assetOf(l, t).trashed && canDownloadOriginal(v, assetOf(l, t))),
  // Every asset here is a photo: a photo has no poster or video, whoever asks.
  mediaCase('poster', () => false),
  mediaCase('video', () => false),
  {
    method: 'GET',
    route: '/api/albums',
    targets: 'none',
    url: () => '/api/albums',
    expect: (v, l) => ({
      status: 200,
      keys: sorted(l.albums.filter((a) => canSeeAlbum(v, a)).map((a) => a.id)),
    }),
    keys: ids,
  },
  {
    method: 'GET',
    route: '/api/albums/{id}',
    targets: 'album',
    url: (l, t) => `/api/albums/${albumOf(l, t).id}`,
    expect: (v, l, t) => status(canSeeAlbum(v, albumOf(l, t))),
  },
  {
    method: 'GET',
    route: '/api/folders',
    targets: 'none',
    url: () => '/api/folders',
    expect: (v, l) => {
      const tops = live(l)
        .filter((a) => canSeeAsset(v, a) && a.path.includes('/'))
        .map((a) => a.path.split('/')[0]!);
      const counts = new Map<string, number>();
      for (const top of tops) counts.set(top, (counts.get(top) ?? 0) + 1);
      return { status: 200, keys: sorted([...counts].map(([path, n]) => `${path}:${n}`)) };
    },
    keys: (body) =>
      sorted((body as Array<{ path: string; count: number }>).map((f) => `${f.path}:${f.count}`)),
  },
  {
    method: 'GET',
    route: '/api/tags',
    targets: 'none',
    url: () => '/api/tags',
    expect: (v, l) => {
      const counts = TAGS.map(
        (tag, n) =>
          [tag, l.assets.filter((a, i) => i % 3 === n && !a.trashed && canSeeAsset(v, a)).length] as const,
      );
      return { status: 200, keys: sorted(counts.filter(([, c]) => c > 0).map(([tag, c]) => `${tag}:${c}`)) };
    },
    keys: (body) =>
      sorted((body as Array<{ name: string; count: number }>).map((t) => `${t.name}:${t.count}`)),
  },
  {
    method: 'GET',
    route: '/api/index',
    targets: 'none',
    url: () => '/api/index',
    expect: (v) => status(can(v.role, 'library.index'), 403),
  },
  // Another run is under way (seeded below): a permitted role meets 409, a refused one 403.
  {
    method: 'POST',
    route: '/api/index',
    targets: 'none',
    url: () => '/api/index',
    expect: (v) => ({ status: can(v.role, 'library.index') ? 409 : 403 }),
  },
];

// Where an upload goes when the request names no folder.
const uploadTarget = (v: Viewer) => v.uploadPath ?? 'uploads';
const mayUpload = (v: Viewer) =>
  (v.role !== 'contributor' || v.uploadPath !== null) && canUploadTo(v, uploadTarget(v));
const TUS = { 'tus-resumable': '1.0.0' };
const UNKNOWN_UPLOAD = '/api/uploads/0123456789abcdef0123456789abcdef';
const uploadRoute = (method: 'HEAD' | 'PATCH' | 'DELETE'): RouteCase => ({
  method,
  route: '/api/uploads/{id}',
  targets: 'none',
  url: () => UNKNOWN_UPLOAD,
  init: () => ({ headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' } }),
  // Nobody else's upload is ever found; a role without uploads is refused first.
  expect: (v) => ({ status: can(v.role, 'asset.upload', { inUploadPath: true }) ? 404 : 403 }),
});

ROUTES.push(
  {
    method: 'POST',
    route: '/api/uploads',
    targets: 'none',
    url: () => '/api/uploads',
    init: () => ({
      headers: { ...TUS, 'upload-length': '10', 'upload-metadata': `filename ${Buffer.from('r.jpg').toString('base64')}` },
    }),
    expect: (v) => ({ status: mayUpload(v) ? 201 : 403 }),
  },
  {
    method: 'POST',
    route: '/api/uploads/check',
    targets: 'none',
    url: () => '/api/uploads/check',
    init: () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: 'a'.repeat(64), fileName: 'r.jpg' }),
    }),
    expect: (v) => status(mayUpload(v), 403),
  },
  {
    method: 'POST',
    route: '/api/uploads/files',
    targets: 'none',
    url: () => '/api/uploads/files',
    init: () => ({ headers: { 'content-type': 'text/plain' }, body: 'not a form' }),
    expect: (v) => ({ status: can(v.role, 'asset.upload', { inUploadPath: true }) ? 415 : 403 }),
  },
  uploadRoute('HEAD'),
  uploadRoute('PATCH'),
  uploadRoute('DELETE'),
);

let instance: InstanceHarness;
let db: DataSource;

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
});

afterAll(async () => {
  await instance?.stop();
});

async function seed(spec: Parameters<typeof seedLibrary>[1]): Promise<SeededLibrary> {
  const originals = instance.config.originalsPath;
  await rm(originals, { recursive: true, force: true });
  const library = await seedLibrary(db, spec, async (path) => {
    await mkdir(dirname(join(originals, path)), { recursive: true });
    await writeFile(join(originals, path), path);
  });
  for (const [i, asset] of library.assets.entries()) await tagAsset(db, asset.id, TAGS[i % 3]!);
  await instance.app.get(LibraryFilesRepository).syncFolders(new Date());
  await db.query(
    `INSERT INTO index_runs (id, status, rescan, phase, counts, started_at, heartbeat_at) VALUES (gen_random_uuid(), 'running', false, 'walking', '{}', now(), now())`,
  );
  return library;
}

/** A session for `viewer` as a sign-in would make it; none for a visitor. */
async function jarFor(viewer: Viewer): Promise<CookieJar> {
  const jar = new CookieJar();
  if (viewer.role === 'visitor') return jar;
  await instance.app.get(UserRepository).upsert({
    id: viewer.id!,
    username: viewer.id!,
    name: null,
    email: null,
    role: viewer.role,
    groups: [...viewer.groups],
    basePath: viewer.basePath,
    uploadPath: viewer.uploadPath,
    webdav: false,
    lastSeenAt: new Date(),
  });
  const { secret } = await instance.app.get(SessionService).create({
    userId: viewer.id!,
    portalSid: null,
    access: {
      role: viewer.role,
      groups: [...viewer.groups],
      basePath: viewer.basePath,
      uploadPath: viewer.uploadPath,
      webdav: false,
    },
    idToken: 'unused',
    authTime: null,
  });
  jar.store(new URL(instance.url), [`${instance.cookieName}=${secret}; Path=/`]);
  return jar;
}

function targetsOf(route: RouteCase, library: SeededLibrary): Target[] {
  if (route.targets === 'asset') return library.assets.map((_, index) => ({ kind: 'asset', index }));
  if (route.targets === 'album') return library.albums.map((_, index) => ({ kind: 'album', index }));
  return [{ kind: 'none' }];
}

describe('every route × every role', () => {
  it('covers every route of the API', async () => {
    const spec = (await (await fetch(`${instance.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const tested = new Set([...ROUTES.map((r) => `${r.method} ${r.route}`), ...PUBLIC_ROUTES]);
    expect(documented.filter((route) => !tested.has(route))).toEqual([]);
    expect(ROUTES.filter((r) => !documented.includes(`${r.method} ${r.route}`))).toEqual([]);
  });

  it('answers as libs/policy expects on random libraries, with zero mismatches', async () => {
    const mismatches: string[] = [];
    let checks = 0;
    // Links are share links, which signed-in sessions do not carry yet: viewers come without them.
    const viewers = fc.sample(
      viewerSpec.map((v) => ({ ...v, links: [] })),
      2,
    );
    for (const spec of fc.sample(librarySpec, 3)) {
      const library = await seed(spec);
      for (const role of ROLES as readonly Role[]) {
        for (const vs of viewers) {
          const viewer = viewerFor(role, vs, library);
          const jar = await jarFor(viewer);
          for (const route of ROUTES) {
            for (const target of targetsOf(route, library)) {
              const url = route.url(library, target);
              const res = await instance.request(jar, url, {
                method: route.method,
                ...(route.init?.() ??
                  (route.method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {})),
              });
              const expected: Expected =
                role === 'visitor' ? { status: 401 } : route.expect(viewer, library, target);
              const body = res.headers.get('content-type')?.includes('json') && route.method !== 'HEAD'
                ? await res.json()
                : await res.arrayBuffer();
              const keys = expected.keys && res.status === 200 ? route.keys!(body) : undefined;
              checks++;
              if (res.status !== expected.status || JSON.stringify(keys) !== JSON.stringify(expected.keys)) {
                mismatches.push(
                  `${role} ${JSON.stringify(vs)} ${route.method} ${url}: expected ${JSON.stringify(expected)}, got ${res.status} ${JSON.stringify(keys)}`,
                );
              }
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checks).toBeGreaterThan(3 * ROLES.length * 2 * 40);
  });
});
