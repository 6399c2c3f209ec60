import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, derivativeRelPath, queuePrefix } from '@atrium/media';
import type { CookieJar } from '@atrium/testing';
import { runIndex } from '../services/indexing/run-index.js';
import { InstanceHarness, sendJson, type JsonBody } from '../test/instance.js';
import { writeJpeg } from '../test/originals.js';
import { sessionJar } from '../test/sessions.js';
import { jpeg } from '../test/upload-files.js';
import { WorkerProcess, buildWorkerDist } from '../test/worker.js';

// The library's sizes and qualities of derivatives over HTTP: saved and refused field by field,
// carried by every job the instance queues, and — with the real worker — thumbnails made at the
// saved size; "rebuild derivatives" queues every asset again, and the rebuilt files get new URLs.
let instance: InstanceHarness;
let db: DataSource;
let admin: CookieJar;
let manager: CookieJar;
let user: CookieJar;
let thumbnails: Queue;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  buildWorkerDist();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  await mkdir(instance.config.originalsPath, { recursive: true });
  admin = await sessionJar(instance, { id: 'acc-admin', role: 'admin' });
  manager = await sessionJar(instance, { id: 'acc-manager', role: 'manager' });
  user = await sessionJar(instance, { id: 'acc-user', role: 'user' });
  thumbnails = new Queue('thumbnails', { connection: { url: instance.redis.url }, prefix: queuePrefix('family') });
}, 120_000);

afterAll(async () => {
  if (worker) {
    worker.kill('SIGTERM');
    await worker.exited;
  }
  await thumbnails?.close();
  await instance?.stop();
});

type Body = JsonBody;

const send = (jar: CookieJar, method: string, path: string, body?: unknown) => sendJson(instance, jar, method, path, body);

async function upload(name: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('folder', 'derive');
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await instance.request(admin, '/api/uploads/files', { method: 'POST', body: form });
  expect(res.status).toBe(201);
  const [row] = (await db.query('SELECT id FROM assets WHERE path = $1', [`derive/${name}`])) as Array<{ id: string }>;
  return row!.id;
}

const waitingFor = async (assetId: string) =>
  (await thumbnails.getJobs(['waiting', 'prioritized', 'active'])).filter((j) => j.data.assetId === assetId);

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (worker: ${worker?.output.slice(-400)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts a rebuild (202) and follows its progress until it is done; its final counts. */
async function rebuild(body: object = {}): Promise<Body> {
  const started = await send(admin, 'POST', '/api/admin/derivatives/rebuild', body);
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ status: 'running', assets: 0 });
  const run = await until(async () => {
    const { run } = (await send(admin, 'GET', '/api/admin/derivatives/rebuild')).body;
    return run.id === started.body.id && run.status !== 'running' && run;
  }, 'the rebuild', 30_000);
  expect(run).toMatchObject({ status: 'completed', error: null, total: run.assets });
  return { assets: run.assets, queued: run.queued, waiting: run.waiting, busy: run.busy };
}

/** Shorter edge of a derivative the instance serves. */
async function servedEdge(id: string, kind: 'thumbnail' | 'preview'): Promise<{ edge: number; format: string }> {
  const res = await instance.request(admin, `/api/assets/${id}/${kind}`);
  expect(res.status).toBe(200);
  const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
  return { edge: Math.min(meta.width!, meta.height!), format: meta.format! };
}

describe('the settings', () => {
  it('starts at the defaults and shows them', async () => {
    const res = await send(admin, 'GET', '/api/admin/settings');
    expect(res.status).toBe(200);
    expect(res.body.derivatives).toEqual(DEFAULT_PARAMS);
    expect(res.body.derivativeDefaults).toEqual(DEFAULT_PARAMS);
  });

  it('saves changes field by field and reads them back; the defaults spelled out are fine', async () => {
    const saved = await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 320, videoPreset: 'veryfast' } });
    expect(saved.status).toBe(200);
    expect(saved.body.derivatives).toEqual({ ...DEFAULT_PARAMS, thumbSize: 320, videoPreset: 'veryfast' });
    const more = await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { previewQuality: 70, thumbQuality: 80 } });
    expect(more.body.derivatives).toEqual({ ...DEFAULT_PARAMS, thumbSize: 320, videoPreset: 'veryfast', previewQuality: 70 });
    expect((await send(admin, 'GET', '/api/admin/settings')).body.derivatives).toEqual(more.body.derivatives);
    expect((await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { ...DEFAULT_PARAMS } })).body.derivatives).toEqual(DEFAULT_PARAMS);
    // Only what differs from the defaults is stored: jobs of a library at the defaults carry {}.
    const [row] = (await db.query(`SELECT value FROM settings WHERE key = 'library.derivatives'`)) as Array<{ value: object }>;
    expect(row!.value).toEqual({});
  });

  it('goes back to the defaults with null, leaving "delete originals" alone', async () => {
    await send(admin, 'PATCH', '/api/admin/settings', { deleteOriginals: true, derivatives: { previewSize: 2048, previewFormat: 'webp' } });
    const reset = await send(admin, 'PATCH', '/api/admin/settings', { derivatives: null });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ deleteOriginals: true, derivatives: DEFAULT_PARAMS });
    await send(admin, 'PATCH', '/api/admin/settings', { deleteOriginals: false });
  });

  it.each([
    ['an unknown field', { size: 300 }, 'derivatives.size'],
    ['a size too small', { thumbSize: 8 }, 'derivatives.thumbSize'],
    ['a size too large', { previewSize: 100000 }, 'derivatives.previewSize'],
    ['a fractional quality', { thumbQuality: 80.5 }, 'derivatives.thumbQuality'],
    ['a quality of 0', { previewQuality: 0 }, 'derivatives.previewQuality'],
    ['a number as text', { videoSize: '720' }, 'derivatives.videoSize'],
    ['a CRF past 51', { videoCrf: 52 }, 'derivatives.videoCrf'],
    ['a negative CRF', { videoCrf: -1 }, 'derivatives.videoCrf'],
    ['a null field', { thumbSize: null }, 'derivatives.thumbSize'],
    ['a bad format', { previewFormat: 'png' }, 'derivatives.previewFormat'],
    ['a bad preset', { videoPreset: 'placebo' }, 'derivatives.videoPreset'],
    ['a list', [250], 'derivatives'],
    ['text', 'large', 'derivatives'],
  ])('refuses %s with ERR_SETTINGS_INVALID naming the field, saving nothing', async (_what, derivatives, field) => {
    await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 300 } });
    const res = await send(admin, 'PATCH', '/api/admin/settings', { deleteOriginals: true, derivatives });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ERR_SETTINGS_INVALID');
    expect(Object.keys(res.body.error.details.fields)).toEqual([field]);
    expect(res.body.error.message).toContain(field);
    const after = await send(admin, 'GET', '/api/admin/settings');
    expect(after.body).toMatchObject({ deleteOriginals: false, derivatives: { ...DEFAULT_PARAMS, thumbSize: 300 } });
  });

  it('refuses prototype keys and numbers JSON cannot hold, as sent on the wire', async () => {
    // `__proto__` and `constructor` never reach the service (class-transformer drops those keys):
    // nothing changes, and nothing else is touched.
    for (const raw of ['{"derivatives":{"__proto__":{"thumbSize":64}}}', '{"derivatives":{"constructor":{"prototype":{"thumbSize":64}}}}']) {
      const res = await instance.request(admin, '/api/admin/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: raw });
      expect([200, 400], raw).toContain(res.status);
      expect((await send(admin, 'GET', '/api/admin/settings')).body.derivatives).toEqual({ ...DEFAULT_PARAMS, thumbSize: 300 });
    }
    for (const raw of [
      '{"derivatives":{"thumbSize":1e400}}',
      '{"derivatives":{"thumbSize":-0.5}}',
    ]) {
      const res = await instance.request(admin, '/api/admin/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: raw });
      const body = (await res.json()) as Body;
      expect(res.status, raw).toBe(400);
      expect(['ERR_SETTINGS_INVALID', 'ERR_BAD_REQUEST'], raw).toContain(body.error.code);
    }
    expect((await send(admin, 'GET', '/api/admin/settings')).body.derivatives).toEqual({ ...DEFAULT_PARAMS, thumbSize: 300 });
    expect(({} as Record<string, unknown>).thumbSize).toBeUndefined();
  });

  it('names every bad field of one change at once', async () => {
    const res = await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 1, previewQuality: 101, videoPreset: 'fastest' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details.fields).sort()).toEqual([
      'derivatives.previewQuality',
      'derivatives.thumbSize',
      'derivatives.videoPreset',
    ]);
  });

  it('is the admin’s: managers and users can neither read, change nor rebuild', async () => {
    await send(admin, 'PATCH', '/api/admin/settings', { derivatives: null });
    for (const jar of [manager, user]) {
      expect((await send(jar, 'GET', '/api/admin/settings')).status).toBe(403);
      expect((await send(jar, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 64 } })).status).toBe(403);
      expect((await send(jar, 'POST', '/api/admin/derivatives/rebuild', {})).status).toBe(403);
      expect((await send(jar, 'GET', '/api/admin/derivatives/rebuild')).status).toBe(403);
    }
    expect((await send(admin, 'GET', '/api/admin/settings')).body.derivatives).toEqual(DEFAULT_PARAMS);
    for (const body of [{ video: 'yes' }, { video: null }, { all: true }]) {
      const res = await send(admin, 'POST', '/api/admin/derivatives/rebuild', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('jobs and the real worker', () => {
  let photo: string;
  let second: string;

  it('gives a new upload’s jobs the saved settings', async () => {
    await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 100, thumbQuality: 60 } });
    photo = await upload('wide.jpg', await jpeg(1, 1200, 800));
    const jobs = await waitingFor(photo);
    expect(jobs.map((j) => j.data.params)).toEqual([{ thumbSize: 100, thumbQuality: 60 }]);
  });

  it('queues every asset again on "rebuild", and a second press queues nothing twice', async () => {
    second = await upload('tall.jpg', await jpeg(2, 600, 900));
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM assets WHERE missing_at IS NULL')) as Array<{ n: number }>;
    expect((await send(admin, 'GET', '/api/admin/derivatives/rebuild')).body).toEqual({ run: null });
    // The uploads' own jobs are still waiting with these settings: the rebuild leaves them.
    expect(await rebuild()).toEqual({ assets: n, queued: 0, waiting: n, busy: 0 });
    await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { thumbSize: 120 } });
    expect(await rebuild()).toEqual({ assets: n, queued: n, waiting: 0, busy: 0 });
    expect(await rebuild()).toEqual({ assets: n, queued: 0, waiting: n, busy: 0 });
    const jobs = await waitingFor(photo);
    expect(jobs.map((j) => j.data.params)).toEqual([{ thumbSize: 120, thumbQuality: 60 }]);
    expect(jobs.map((j) => j.data.kinds)).toEqual([['preview', 'thumb']]);
  });

  it('gives the jobs of `atrium instance index` (outside the server) the saved settings too', async () => {
    await writeJpeg(instance.config.originalsPath, 'derive/cli/scanned.jpg', 3);
    const { nodeName, databaseUrl, redisUrl, originalsPath, cachePath } = instance.config;
    const counts = await runIndex({ nodeName, databaseUrl, redisUrl, originalsPath, cachePath }, { rescan: false, requestedBy: 'cli:test' });
    expect(counts.added).toBe(1);
    const [row] = (await db.query(`SELECT id FROM assets WHERE path = 'derive/cli/scanned.jpg'`)) as Array<{ id: string }>;
    expect((await waitingFor(row!.id)).map((j) => j.data.params)).toEqual([{ thumbSize: 120, thumbQuality: 60 }]);
  });

  it('runs one rebuild at a time across replicas, and takes over one whose replica died', async () => {
    const elsewhere = (heartbeatAt: Date) => ({
      id: '7f0c1d2e-0000-4000-8000-000000000001',
      status: 'running',
      video: false,
      total: 10,
      assets: 5,
      queued: 5,
      waiting: 0,
      busy: 0,
      error: null,
      startedAt: heartbeatAt.toISOString(),
      heartbeatAt: heartbeatAt.toISOString(),
      finishedAt: null,
    });
    const put = (value: object) =>
      db.query(`UPDATE settings SET value = $1 WHERE key = 'library.rebuild'`, [JSON.stringify(value)]);
    // Another replica is rebuilding and alive: refused, and its run is left as it is.
    await put(elsewhere(new Date()));
    const refused = await send(admin, 'POST', '/api/admin/derivatives/rebuild', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ERR_REBUILD_RUNNING');
    expect((await send(admin, 'GET', '/api/admin/derivatives/rebuild')).body.run).toMatchObject({ id: elsewhere(new Date()).id, assets: 5 });
    // Its heartbeat stopped two minutes ago: this replica takes over and does the whole walk.
    await put(elsewhere(new Date(Date.now() - 120_000)));
    const counts = await rebuild();
    expect(counts.assets).toBeGreaterThanOrEqual(2);
  });

  it('makes thumbnails at the saved size with the worker', { timeout: 120_000 }, async () => {
    worker = new WorkerProcess({
      WORKER_PORT: '0',
      WORKER_INSTANCES: JSON.stringify([
        { name: 'family', redisUrl: instance.redis.url, originalsPath: instance.config.originalsPath, cachePath: instance.config.cachePath },
      ]),
    });
    await until(async () => {
      const rows = (await db.query(`SELECT count(*)::int AS n FROM assets WHERE id = ANY($1) AND derivatives ? 'preview'`, [[photo, second]])) as Array<{ n: number }>;
      return rows[0]!.n === 2;
    }, 'the first derivatives');
    expect(await servedEdge(photo, 'thumbnail')).toEqual({ edge: 120, format: 'webp' });
    expect(await servedEdge(second, 'thumbnail')).toEqual({ edge: 120, format: 'webp' });
    // Never enlarged: the default 1440 px preview of an 800 px photo is the photo's size.
    expect(await servedEdge(photo, 'preview')).toEqual({ edge: 800, format: 'jpeg' });
  });

  it('rebuilds previews at a new size and format, under a new URL version', { timeout: 120_000 }, async () => {
    const before = (await send(admin, 'GET', `/api/assets/${photo}`)).body;
    const oldVersion = before.version as string;
    const oldAnswer = await instance.request(admin, `/api/assets/${photo}/preview?v=${oldVersion}`);
    expect(oldAnswer.headers.get('cache-control')).toContain('immutable');
    const oldTag = oldAnswer.headers.get('etag')!;

    await send(admin, 'PATCH', '/api/admin/settings', { derivatives: { previewSize: 400, previewFormat: 'webp' } });
    expect((await rebuild()).queued).toBeGreaterThanOrEqual(2);
    await until(async () => {
      const [row] = (await db.query('SELECT derivatives FROM assets WHERE id = $1', [photo])) as Array<{ derivatives: Record<string, string> }>;
      return row!.derivatives.preview?.endsWith('preview.webp');
    }, 'the rebuilt preview');
    expect(await servedEdge(photo, 'preview')).toEqual({ edge: 400, format: 'webp' });
    expect(await servedEdge(photo, 'thumbnail')).toEqual({ edge: 120, format: 'webp' });
    const [row] = (await db.query('SELECT derivatives, content_hash FROM assets WHERE id = $1', [photo])) as Array<{ derivatives: Record<string, string>; content_hash: string }>;
    expect(row!.derivatives.preview).toBe(derivativeRelPath(row!.content_hash, 'preview', 'webp'));

    // The browser kept the old preview for good under the old version: the page now asks for a new one.
    const after = (await send(admin, 'GET', `/api/assets/${photo}`)).body;
    expect(after.version).not.toBe(oldVersion);
    expect(after.version.startsWith(oldVersion)).toBe(true);
    const stale = await instance.request(admin, `/api/assets/${photo}/preview?v=${oldVersion}`, { headers: { 'if-none-match': oldTag } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('private, no-cache');
    expect(stale.headers.get('etag')).not.toBe(oldTag);
    const fresh = await instance.request(admin, `/api/assets/${photo}/preview?v=${after.version}`);
    expect(fresh.headers.get('cache-control')).toContain('immutable');
    expect(fresh.headers.get('content-type')).toBe('image/webp');
    const timeline = (await send(admin, 'GET', '/api/assets')).body.items as Array<{ id: string; version: string }>;
    expect(timeline.find((a) => a.id === photo)!.version).toBe(after.version);
    // The JPEG preview it replaced is gone from the cache; the thumbnail stays where it was.
    await until(async () => !existsSync(join(instance.config.cachePath, derivativeRelPath(row!.content_hash, 'preview', 'jpeg'))), 'the old preview removed', 10_000);
    expect(existsSync(join(instance.config.cachePath, row!.derivatives.preview!))).toBe(true);
    expect(existsSync(join(instance.config.cachePath, derivativeRelPath(row!.content_hash, 'thumb')))).toBe(true);
  });
});
