import { randomUUID } from 'node:crypto';
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
import { digestSecret, generateSecretToken } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { LibraryFilesRepository } from '../repositories/library-files.repository.js';
import { SessionService } from '../services/session.service.js';
import { UserRepository } from '../repositories/user.repository.js';
import { InstanceHarness } from '../test/instance.js';
import { tagAsset } from '../test/library.js';
import { ADMIN_ROUTES } from '../test/route-cases-admin.js';
import { CURATION_ROUTES } from '../test/route-cases-curation.js';
import {
  librarySpec,
  seedLibrary,
  viewerFor,
  viewerSpec,
  type SeededLibrary,
} from '../test/random-library.js';
import {
  albumOf,
  assetOf,
  ids,
  live,
  seeAsset,
  sorted,
  status,
  type Ctx,
  type Expected,
  type RouteCase,
  type Target,
} from '../test/route-cases.js';

// Every route × every role, against what libs/policy says the answer must be. A route added to
// the API without a row here fails the coverage check below.

const PUBLIC_ROUTES = ['GET /healthz', 'GET /readyz', 'GET /metrics'];
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
  ...CURATION_ROUTES,
  ...ADMIN_ROUTES,
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
  init: () => ({
    headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
  }),
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
      headers: {
        ...TUS,
        'upload-length': '10',
        'upload-metadata': `filename ${Buffer.from('r.jpg').toString('base64')}`,
      },
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
  {
    method: 'GET',
    route: '/api/downloads/albums/{id}',
    targets: 'album',
    url: (l, t) => `/api/downloads/albums/${albumOf(l, t).id}`,
    // A zip needs something in it: an album seen with none of its photos seen answers 404 too.
    expect: (v, l, t) => {
      const album = albumOf(l, t);
      const some = live(l).some((a) => a.albums.some((x) => x.id === album.id) && canDownloadOriginal(v, a));
      return status(canSeeAlbum(v, album) && some);
    },
  },
  {
    method: 'GET',
    route: '/api/downloads/folder',
    targets: 'none',
    url: () => '/api/downloads/folder',
    expect: (v, l) => status(live(l).some((a) => canDownloadOriginal(v, a))),
  },
  {
    method: 'POST',
    route: '/api/downloads',
    targets: 'asset',
    url: () => '/api/downloads',
    body: (l, t) => ({ ids: [assetOf(l, t).id] }),
    expect: (v, l, t) => status(!assetOf(l, t).trashed && canDownloadOriginal(v, assetOf(l, t))),
  },
  {
    method: 'GET',
    route: '/api/downloads/albums/{id}/info',
    targets: 'album',
    url: (l, t) => `/api/downloads/albums/${albumOf(l, t).id}/info`,
    // The zip's own answer, without the zip.
    expect: (v, l, t) => {
      const album = albumOf(l, t);
      const some = live(l).some((a) => a.albums.some((x) => x.id === album.id) && canDownloadOriginal(v, a));
      return status(canSeeAlbum(v, album) && some);
    },
  },
  {
    method: 'GET',
    route: '/api/downloads/folder/info',
    targets: 'none',
    url: () => '/api/downloads/folder/info',
    expect: (v, l) => status(live(l).some((a) => canDownloadOriginal(v, a))),
  },
  {
    method: 'POST',
    route: '/api/downloads/info',
    targets: 'asset',
    url: () => '/api/downloads/info',
    body: (l, t) => ({ ids: [assetOf(l, t).id] }),
    expect: (v, l, t) => status(!assetOf(l, t).trashed && canDownloadOriginal(v, assetOf(l, t))),
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

/** The viewer with only the links whose album or asset exists: the links a share link can name. */
function keptLinks(viewer: Viewer, library: SeededLibrary): Viewer {
  const known = new Set([...library.albums.map((a) => a.id), ...library.assets.map((a) => a.id)]);
  const links = viewer.links.filter((l) =>
    known.has(l.target.kind === 'album' ? l.target.albumId : l.target.assetId),
  );
  return { ...viewer, links };
}

/**
 * Share links for the viewer's links (a contributor or guest keeps them, as after opening them);
 * the first one's token and visitor for the share routes.
 */
async function linksFor(viewer: Viewer): Promise<Ctx> {
  await db.query('DELETE FROM share_links');
  await db.query('DELETE FROM share_link_throttles');
  const tokens: string[] = [];
  for (const link of viewer.links) {
    const token = generateSecretToken();
    tokens.push(token);
    const id = randomUUID();
    await db.query(
      `INSERT INTO share_links (id, token_digest, album_id, asset_id, created_by, created_at, allow_download)
       VALUES ($1, $2, $3, $4, 'acc-alice', now(), $5)`,
      [
        id,
        digestSecret(token),
        link.target.kind === 'album' ? link.target.albumId : null,
        link.target.kind === 'asset' ? link.target.assetId : null,
        link.downloadAllowed,
      ],
    );
    if (viewer.role === 'contributor' || viewer.role === 'guest')
      await db.query('INSERT INTO user_links (user_id, link_id, opened_at) VALUES ($1, $2, now())', [
        viewer.id,
        id,
      ]);
  }
  const first = viewer.links[0];
  return {
    token: tokens[0] ?? generateSecretToken(),
    visitor: first
      ? { role: 'visitor', id: null, groups: [], basePath: null, uploadPath: null, links: [first] }
      : null,
  };
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
    for (const spec of fc.sample(librarySpec, 3)) {
      const library = await seed(spec);
      const albums = library.albums.map((a) => a.id);
      for (const role of ROLES as readonly Role[]) {
        for (const vs of fc.sample(viewerSpec, 2)) {
          const viewer = keptLinks(viewerFor(role, vs, library), library);
          const jar = await jarFor(viewer);
          const ctx = await linksFor(viewer);
          for (const route of ROUTES) {
            // The targets of one route are asked at once: each names its own asset or album.
            const answers = await Promise.all(
              targetsOf(route, library).map(async (target) => {
                const url = route.url(library, target, ctx);
                const res = await instance.request(jar, url, {
                  method: route.method,
                  ...(route.init?.() ??
                    (route.method !== 'GET' && route.method !== 'HEAD'
                      ? {
                          headers: { 'content-type': 'application/json' },
                          body: JSON.stringify(route.body?.(library, target) ?? {}),
                        }
                      : {})),
                });
                const body =
                  res.headers.get('content-type')?.includes('json') && route.method !== 'HEAD'
                    ? await res.json()
                    : await res.arrayBuffer();
                return { target, url, status: res.status, body };
              }),
            );
            for (const { target, url, status: got, body } of answers) {
              const expected: Expected =
                role === 'visitor' && !route.public
                  ? { status: 401 }
                  : route.expect(viewer, library, target, ctx);
              const keys = expected.keys && got === 200 ? route.keys!(body) : undefined;
              checks++;
              if (got !== expected.status || JSON.stringify(keys) !== JSON.stringify(expected.keys)) {
                mismatches.push(
                  `${role} ${JSON.stringify(vs)} ${route.method} ${url}: expected ${JSON.stringify(expected)}, got ${got} ${JSON.stringify(keys)}`,
                );
              }
            }
          }
          // Albums the create case made would be counted by the next viewer's album listing.
          await db.query('DELETE FROM albums WHERE id <> ALL($1::uuid[])', [albums]);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checks).toBeGreaterThan(3 * ROLES.length * 2 * 80);
  }, 240_000);
});
