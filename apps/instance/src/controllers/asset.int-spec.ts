import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivativeRelPath } from '@atrium/media';
import type { CookieJar } from '@atrium/testing';
import type { AssetDetailDto } from '../dtos/asset.dto.js';
import { MEDIA_QUEUE } from '../common/tokens.js';
import { LibraryIndexService } from '../services/library-index.service.js';
import type { MediaQueues } from '../services/media-queue.js';
import type { InstanceHarness } from '../test/instance.js';
import { insertAlbum, insertAsset } from '../test/library.js';
import { startLibraryWorld, type LibraryWorld } from '../test/library-world.js';
import { writeJpeg, writeVideo } from '../test/originals.js';
import { WorkerProcess, buildWorkerDist } from '../test/worker.js';

const hashOf = (n: number) => n.toString(16).padStart(64, '0');

let world: LibraryWorld;
let family: InstanceHarness;
let db: DataSource;
let admin: CookieJar;
let guest: CookieJar;
let get: LibraryWorld['get'];
let json: LibraryWorld['json'];

beforeAll(async () => {
  world = await startLibraryWorld();
  ({ family, db, admin, guest, get, json } = world);
});

afterAll(async () => {
  await world?.stop();
});

describe('asset detail and media', () => {
  let photo: string;
  let hidden: string;
  let video: string;
  const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

  async function derivative(hash: string, kind: 'thumb' | 'preview' | 'video', bytes: Buffer) {
    const path = join(family.config.cachePath, derivativeRelPath(hash, kind));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return derivativeRelPath(hash, kind);
  }

  beforeAll(async () => {
    const originals = family.config.originalsPath;
    await mkdir(join(originals, 'shared'), { recursive: true });
    await writeFile(join(originals, 'shared/photo.jpg'), payload);
    photo = await insertAsset(db, {
      path: 'shared/photo.jpg',
      contentHash: hashOf(1),
      derivatives: { thumb: await derivative(hashOf(1), 'thumb', payload) },
    });
    hidden = await insertAsset(db, {
      path: 'private/secret.jpg',
      contentHash: hashOf(2),
      derivatives: { thumb: await derivative(hashOf(2), 'thumb', payload) },
    });
    video = await insertAsset(db, { path: 'shared/clip.mp4', mediaType: 'video', contentHash: hashOf(3) });
    await insertAlbum(db, {
      title: 'Visible to friends',
      policy: { everyone: false, users: [], groups: ['friends'] },
      assets: [photo],
    });
    await insertAlbum(db, { title: 'Staff only', assets: [photo] });
  });

  it('shows details, naming only the albums the viewer may see', async () => {
    const forAdmin = await json<AssetDetailDto>(admin, `/api/assets/${photo}`);
    expect(forAdmin.body.albums.map((a) => a.title)).toEqual(['Staff only', 'Visible to friends']);
    const forGuest = await json<AssetDetailDto>(guest, `/api/assets/${photo}`);
    expect(forGuest.body).toMatchObject({
      path: 'shared/photo.jpg',
      canDownload: true,
      ready: { thumbnail: true, preview: false },
    });
    expect(forGuest.body.albums.map((a) => a.title)).toEqual(['Visible to friends']);
  });

  it('answers a refused asset exactly like a missing one, on every route', async () => {
    for (const suffix of ['', '/thumbnail', '/preview', '/original', '/video']) {
      const refused = await get(guest, `/api/assets/${hidden}${suffix}`);
      const missing = await get(guest, `/api/assets/00000000-0000-4000-8000-000000000000${suffix}`);
      expect([refused.status, await refused.text()]).toEqual([missing.status, await missing.text()]);
      expect(refused.status).toBe(404);
    }
    expect((await get(guest, `/api/assets/not-an-id/thumbnail`)).status).toBe(404);
    expect((await get(admin, `/api/assets/${photo}/raw`)).status).toBe(404);
  });

  it('streams with ranges, ETags and versioned caching', async () => {
    const full = await get(guest, `/api/assets/${photo}/thumbnail`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/webp');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('cache-control')).toBe('private, no-cache');
    expect(Buffer.from(await full.arrayBuffer())).toEqual(payload);
    const etag = full.headers.get('etag')!;
    expect((await get(guest, `/api/assets/${photo}/thumbnail`, { 'if-none-match': etag })).status).toBe(304);
    for (const list of [`"stale", W/${etag}`, '*'])
      expect((await get(guest, `/api/assets/${photo}/thumbnail`, { 'if-none-match': list })).status).toBe(304);
    expect((await get(guest, `/api/assets/${photo}/thumbnail`, { 'if-none-match': '"stale"' })).status).toBe(200);
    const part = await get(guest, `/api/assets/${photo}/thumbnail`, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(payload.subarray(10, 20));
    const tail = await get(guest, `/api/assets/${photo}/original`, { range: 'bytes=-5' });
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, 'bytes 995-999/1000']);
    expect(tail.headers.get('content-disposition')).toMatch(/^attachment; filename="photo.jpg"/);
    const versioned = await get(guest, `/api/assets/${photo}/thumbnail?v=${hashOf(1).slice(0, 16)}`);
    expect(versioned.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const head = await family.request(guest, `/api/assets/${photo}/thumbnail`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([
      200,
      '1000',
      0,
    ]);
  });

  it.each([
    ['past the end', 'bytes=1000-', 416],
    ['a suffix of nothing', 'bytes=-0', 416],
    ['a huge start', `bytes=${'9'.repeat(30)}-`, 416],
    ['two ranges', 'bytes=0-1,5-6', 200],
    ['a reversed range', 'bytes=9-5', 200],
    ['another unit', 'items=0-5', 200],
    ['garbage', 'bytes=abc', 200],
  ])('answers a Range header with %s', async (_name, range, status) => {
    const res = await get(guest, `/api/assets/${photo}/thumbnail`, { range });
    expect(res.status).toBe(status);
    if (status === 416) expect(res.headers.get('content-range')).toBe('bytes */1000');
    else expect((await res.arrayBuffer()).byteLength).toBe(1000);
  });

  it('answers a placeholder while a derivative is missing, and says when it failed', async () => {
    const pending = await get(guest, `/api/assets/${photo}/preview`);
    expect([
      pending.status,
      pending.headers.get('content-type'),
      pending.headers.get('x-atrium-placeholder'),
    ]).toEqual([200, 'image/svg+xml', 'pending']);
    expect(pending.headers.get('cache-control')).toBe('no-store');
    await db.query(`UPDATE assets SET failures = '{"thumbnails":"corrupt"}' WHERE id = $1`, [photo]);
    expect((await get(guest, `/api/assets/${photo}/preview`)).headers.get('x-atrium-placeholder')).toBe(
      'failed',
    );
    await db.query(`UPDATE assets SET failures = '{}' WHERE id = $1`, [photo]);
    const notYet = await json(guest, `/api/assets/${video}/video`);
    expect([notYet.status, notYet.body.error?.code]).toEqual([409, 'ERR_NOT_READY']);
    expect((await get(guest, `/api/assets/${photo}/poster`)).status).toBe(404);
  });

  it('serves originals, derivatives and placeholders sandboxed and unsniffed', async () => {
    // An SVG with a script among the originals: opened directly it must not run as a library page.
    await writeFile(join(family.config.originalsPath, 'shared', 'evil.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');
    const evil = await insertAsset(db, { path: 'shared/evil.svg', contentHash: hashOf(6) });
    for (const [id, kind] of [[evil, 'original'], [photo, 'original'], [photo, 'thumbnail'], [photo, 'preview']] as const) {
      const res = await get(guest, `/api/assets/${id}/${kind}`);
      expect(res.status, kind).toBe(200);
      expect(res.headers.get('content-security-policy'), kind).toBe('sandbox');
      expect(res.headers.get('x-content-type-options'), kind).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), kind).toBe('DENY');
    }
    const api = await get(guest, `/api/assets/${photo}`);
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('names a download in both forms of RFC 6266, whatever characters the file name holds', async () => {
    // RFC 8187's value may not hold ' ( ) *: a name with them would be unreadable in filename*.
    const name = "Zoë's (2)*.jpg";
    await writeFile(join(family.config.originalsPath, 'shared', name), payload);
    const named = await insertAsset(db, { path: `shared/${name}`, contentHash: hashOf(5) });
    const res = await get(guest, `/api/assets/${named}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Zo_'s (2)*.jpg"; filename*=UTF-8''Zo%C3%AB%27s%20%282%29%2A.jpg`,
    );
  });

  it('never serves an original whose path now leads out of the root', async () => {
    const originals = family.config.originalsPath;
    await writeFile(join(family.folder, 'outside.jpg'), 'secret');
    await symlink(join(family.folder, 'outside.jpg'), join(originals, 'shared/link.jpg'));
    const linked = await insertAsset(db, { path: 'shared/link.jpg' });
    expect((await get(admin, `/api/assets/${linked}/original`)).status).toBe(404);
    await rm(join(originals, 'shared/link.jpg'));
  });
});

describe('derivative paths on record', () => {
  it('serves only files of the derivative layout under CACHE_PATH, whatever a results report recorded', async () => {
    // A results report is written by a worker, which parses hostile media: a path it names is not
    // trusted to stay in the cache (../ out of it, another asset's files, /proc of the instance).
    await writeFile(join(family.folder, 'secret.txt'), 'TOP SECRET');
    const other = hashOf(41);
    await mkdir(join(family.config.cachePath, derivativeRelPath(other, 'thumb'), '..'), { recursive: true });
    await writeFile(join(family.config.cachePath, derivativeRelPath(other, 'thumb')), 'not yours');
    const forged = await insertAsset(db, {
      path: 'shared/forged.jpg',
      contentHash: hashOf(40),
      derivatives: {
        thumb: '../secret.txt',
        preview: '../../../../../../../../proc/self/status',
      },
    });
    const borrowed = await insertAsset(db, {
      path: 'shared/borrowed.jpg',
      contentHash: hashOf(42),
      derivatives: { thumb: derivativeRelPath(other, 'thumb') },
    });
    for (const url of [
      `/api/assets/${forged}/thumbnail`,
      `/api/assets/${forged}/preview`,
      `/api/assets/${borrowed}/thumbnail`,
    ]) {
      const res = await get(admin, url);
      expect([url, res.status, res.headers.get('x-atrium-placeholder')]).toEqual([url, 200, 'pending']);
      expect(await res.text()).toMatch(/^<svg /);
    }
  });
});

describe('derivatives from the worker', () => {
  it('answers placeholders until the worker has made the derivatives, then the real ones', async () => {
    buildWorkerDist();
    const originals = family.config.originalsPath;
    await writeJpeg(originals, 'shared/worker/fresh.jpg', 77);
    await writeVideo(originals, 'shared/worker/fresh.mp4');
    const index = family.app.get(LibraryIndexService);
    await index.start({ rescan: false, requestedBy: null });
    await index.settled();
    const [row] = await db.query("SELECT id FROM assets WHERE path = 'shared/worker/fresh.jpg'");
    const [clip] = await db.query("SELECT id FROM assets WHERE path = 'shared/worker/fresh.mp4'");
    expect((await get(guest, `/api/assets/${row.id}/thumbnail`)).headers.get('x-atrium-placeholder')).toBe(
      'pending',
    );
    const worker = new WorkerProcess({
      WORKER_PORT: '0',
      WORKER_INSTANCES: JSON.stringify([
        {
          name: 'family',
          redisUrl: family.redis.url,
          originalsPath: originals,
          cachePath: family.config.cachePath,
        },
      ]),
    });
    try {
      const deadline = Date.now() + 90_000;
      let thumb: Response;
      let movie: Response;
      for (;;) {
        [thumb, movie] = await Promise.all([
          get(guest, `/api/assets/${row.id}/thumbnail`),
          get(guest, `/api/assets/${clip.id}/video`, { range: 'bytes=0-99' }),
        ]);
        if (thumb.headers.get('content-type') === 'image/webp' && movie.status === 206) break;
        if (Date.now() > deadline) throw new Error(`no derivatives: ${worker.output.slice(-500)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(50);
      expect(movie.headers.get('content-type')).toBe('video/mp4');
      expect((await movie.arrayBuffer()).byteLength).toBe(100);

      // The cache is cleared (CACHE_PATH is safe to delete): placeholders again, and the jobs are
      // queued anew by the requests that found the files missing, until the worker has remade them.
      // At rest first: a folder removed under a running ffmpeg fails that job (a failure, not a placeholder).
      const queues = family.app.get<MediaQueues>(MEDIA_QUEUE);
      for (const idle = Date.now() + 60_000; ; ) {
        const depths = Object.values(await queues.depths());
        if (depths.every((d) => !d.waiting && !d.active && !d.delayed && !d.prioritized)) break;
        if (Date.now() > idle) throw new Error(`the worker never went idle: ${JSON.stringify(depths)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const [{ derivatives_rev: before }] = await db.query('SELECT derivatives_rev FROM assets WHERE id = $1', [row.id]);
      await rm(join(family.config.cachePath, 'derivatives'), { recursive: true, force: true });
      const cleared = await get(guest, `/api/assets/${row.id}/thumbnail`);
      expect(cleared.headers.get('x-atrium-placeholder')).toBe('pending');
      expect((await get(guest, `/api/assets/${clip.id}/poster`)).headers.get('x-atrium-placeholder')).toBe(
        'pending',
      );
      // The lost files were forgotten (the running worker may already have made them again, so the
      // record itself is not looked at): whatever a browser kept of them, its URLs from now on are new.
      const [forgotten] = await db.query('SELECT derivatives_rev FROM assets WHERE id = $1', [row.id]);
      expect(forgotten.derivatives_rev).toBeGreaterThan(before);
      expect((await (await get(guest, `/api/assets/${row.id}`)).json()).version).toMatch(/^[0-9a-f]{16}-\d+$/);
      const rebuilt = Date.now() + 45_000;
      for (;;) {
        const [again, preview] = await Promise.all([
          get(guest, `/api/assets/${row.id}/thumbnail`),
          get(guest, `/api/assets/${row.id}/preview`),
        ]);
        thumb = again;
        if (
          thumb.headers.get('content-type') === 'image/webp' &&
          preview.headers.get('content-type') === 'image/jpeg'
        )
          break;
        if (Date.now() > rebuilt) throw new Error(`not rebuilt: ${worker.output.slice(-500)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect((await thumb.arrayBuffer()).byteLength).toBeGreaterThan(50);
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
    }
  });
});

describe('state-changing requests', () => {
  it('need this instance as Origin or the session’s CSRF token', async () => {
    const post = (headers: Record<string, string>) =>
      admin.fetch(`${family.url}/api/index`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      {},
      { 'x-csrf-token': 'guess' },
      { origin: 'https://evil.example', 'x-csrf-token': 'guess' },
    ] as Array<Record<string, string>>) {
      const res = await post(headers);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_CSRF');
    }
    const { body } = await json<{ csrfToken: string }>(admin, '/api/session');
    const withToken = await post({ 'x-csrf-token': body.csrfToken });
    expect([202, 409]).toContain(withToken.status);
    await family.app.get(LibraryIndexService).settled();
    const refused = await guest.fetch(`${family.url}/api/index`, {
      method: 'POST',
      headers: { origin: family.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
  });
});

describe('docs and metrics', () => {
  it('serves the OpenAPI document at /api/docs, and Prometheus metrics', async () => {
    const docs = await fetch(`${family.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    const spec = (await (await fetch(`${family.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/assets',
        '/api/assets/{id}',
        '/api/assets/{id}/{kind}',
        '/api/albums',
        '/api/albums/{id}',
        '/api/folders',
        '/api/tags',
        '/api/index',
        '/api/session',
      ]),
    );
    const metrics = await (await fetch(`${family.url}/metrics`)).text();
    expect(metrics).toMatch(/^atrium_instance_assets\{state="live",service="instance"\} \d+$/m);
    expect(metrics).toMatch(
      /^atrium_instance_media_jobs\{queue="thumbnails",state="waiting",service="instance"\} \d+$/m,
    );
    expect(metrics).toMatch(/^atrium_instance_index_running\{service="instance"\} [01]$/m);
  });
});
