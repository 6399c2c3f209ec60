import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, queuePrefix } from '@atrium/media';
import type { CookieJar } from '@atrium/testing';
import { InstanceHarness, sendJson } from '../test/instance.js';
import { clearLibrary } from '../test/library.js';
import { sessionJar } from '../test/sessions.js';

// The library administration pages over HTTP: people and their sessions (ending one signs that
// browser out), failed media jobs retried one or all through the real Redis queues, settings, storage.
let instance: InstanceHarness;
let db: DataSource;
let admin: CookieJar;
let manager: CookieJar;
let viewer: CookieJar;
let thumbnails: Queue;

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  admin = await sessionJar(instance, { id: 'acc-admin', role: 'admin' });
  manager = await sessionJar(instance, { id: 'acc-manager', role: 'manager' });
  viewer = await sessionJar(instance, { id: 'acc-viewer', role: 'viewer' });
  thumbnails = new Queue('thumbnails', { connection: { url: instance.redis.url }, prefix: queuePrefix('family') });
});

afterAll(async () => {
  await thumbnails?.close();
  await instance?.stop();
});

beforeEach(async () => {
  await clearLibrary(db);
});

/** Status and body only: the assertions compare the whole answer. */
async function send(jar: CookieJar, method: string, path: string, body?: unknown) {
  const { status, body: answer } = await sendJson(instance, jar, method, path, body);
  return { status, body: answer };
}

/** A live asset whose media jobs failed with these reasons. */
async function failedAsset(failures: Record<string, string>, mediaType: 'image' | 'video' = 'image'): Promise<string> {
  const id = randomUUID();
  const ext = mediaType === 'image' ? 'jpg' : 'mp4';
  await db.query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, failures, created_at, updated_at)
     VALUES ($1, $2, 'family', $3, 1234, now(), $4, $5, $6, now(), $7, now(), now())`,
    [
      id,
      `family/${id}.${ext}`,
      `${id}.${ext}`,
      id.replace(/-/g, '').repeat(2),
      mediaType,
      mediaType === 'image' ? 'image/jpeg' : 'video/mp4',
      JSON.stringify(failures),
    ],
  );
  return id;
}

describe('people and sessions', () => {
  it('lists the people seen, with open sessions, for admins and managers only', async () => {
    const people = await send(manager, 'GET', '/api/admin/people');
    expect(people.status).toBe(200);
    const byId = new Map((people.body as Array<{ id: string; openSessions: number; role: string }>).map((p) => [p.id, p]));
    expect(byId.get('acc-viewer')).toMatchObject({ role: 'viewer', openSessions: 1 });
    expect(byId.get('acc-admin')).toMatchObject({ role: 'admin' });
    expect((await send(admin, 'GET', '/api/admin/people')).status).toBe(200);
    const refused = await send(viewer, 'GET', '/api/admin/people');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ERR_FORBIDDEN');
  });

  it("ends one of a person's sessions: that cookie then answers 401, the other still works", async () => {
    const first = await sessionJar(instance, { id: 'acc-bea', role: 'user' });
    const second = await sessionJar(instance, { id: 'acc-bea', role: 'user' });
    const sessions = await send(manager, 'GET', '/api/admin/people/acc-bea/sessions');
    expect(sessions.status).toBe(200);
    const list = sessions.body as Array<{ id: string; current: boolean; userId: string }>;
    expect(list).toHaveLength(2);
    expect(list.every((s) => s.userId === 'acc-bea' && !s.current)).toBe(true);
    expect((await send(first, 'GET', '/api/session')).status).toBe(200);
    // Which of the two rows is `first`: end them in turn and see which cookie stops working.
    const ended = await send(manager, 'POST', `/api/admin/sessions/${list[0]!.id}/end`);
    expect(ended).toEqual({ status: 200, body: { ended: true } });
    const answers = [(await send(first, 'GET', '/api/session')).status, (await send(second, 'GET', '/api/session')).status];
    expect(answers.sort()).toEqual([200, 401]);
    const again = await send(manager, 'POST', `/api/admin/sessions/${list[0]!.id}/end`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('ERR_NOT_FOUND');
    const mine = (await send(admin, 'GET', '/api/admin/people/acc-admin/sessions')).body as Array<{ current: boolean }>;
    expect(mine.some((s) => s.current)).toBe(true);
  });

  it('refuses hostile ids with stable codes and ends nothing', async () => {
    for (const id of ['..%2F..%2Fetc', 'x', '%00' + 'a'.repeat(20), 'a'.repeat(300)]) {
      const res = await send(admin, 'POST', `/api/admin/sessions/${id}/end`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe('ERR_NOT_FOUND');
    }
    for (const id of ['nobody', '%00', 'a'.repeat(300)]) {
      const res = await send(admin, 'GET', `/api/admin/people/${id}/sessions`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe('ERR_NOT_FOUND');
    }
    expect((await send(viewer, 'POST', '/api/admin/sessions/abc/end')).status).toBe(403);
    expect((await send(viewer, 'GET', '/api/session')).status).toBe(200);
  });
});

describe('failed jobs', () => {
  it('lists failed assets with reasons and queue depths, and retries one', async () => {
    const id = await failedAsset({ thumbnails: 'decode_failed' });
    const jobs = await send(admin, 'GET', '/api/admin/jobs');
    expect(jobs.status).toBe(200);
    expect(jobs.body.total).toBe(1);
    expect(jobs.body.failed).toEqual([
      { id, path: `family/${id}.jpg`, kinds: ['thumbnails'], reasons: { thumbnails: 'decode_failed' } },
    ]);
    expect(Object.keys(jobs.body.queues as object).sort()).toEqual(['metadata', 'thumbnails', 'video']);
    const retried = await send(admin, 'POST', `/api/admin/jobs/${id}/retry`);
    expect(retried).toEqual({ status: 200, body: { assets: 1, jobs: 1 } });
    const [row] = (await db.query('SELECT failures FROM assets WHERE id = $1', [id])) as Array<{ failures: object }>;
    expect(row!.failures).toEqual({});
    const queued = await thumbnails.getJobs(['waiting', 'prioritized']);
    expect(queued.some((j) => (j.data as { assetId: string }).assetId === id)).toBe(true);
    expect((await send(admin, 'GET', '/api/admin/jobs')).body.total).toBe(0);
    const twice = await send(admin, 'POST', `/api/admin/jobs/${id}/retry`);
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('ERR_NOT_FOUND');
  });

  it('retries all, each asset only the queues that failed', async () => {
    const photo = await failedAsset({ metadata: 'unreadable' });
    const clip = await failedAsset({ video: 'transcode_failed', thumbnails: 'decode_failed' }, 'video');
    const all = await send(admin, 'POST', '/api/admin/jobs/retry');
    expect(all).toEqual({ status: 200, body: { assets: 2, jobs: 3 } });
    const left = (await db.query('SELECT count(*)::int AS n FROM assets WHERE id = ANY($1) AND failures <> $2', [
      [photo, clip],
      '{}',
    ])) as Array<{ n: number }>;
    expect(left[0]!.n).toBe(0);
    expect(await send(admin, 'POST', '/api/admin/jobs/retry')).toEqual({ status: 200, body: { assets: 0, jobs: 0 } });
  });

  it('is the admin’s: managers and viewers are refused; bad ids are 404', async () => {
    const id = await failedAsset({ thumbnails: 'decode_failed' });
    for (const jar of [manager, viewer]) {
      expect((await send(jar, 'GET', '/api/admin/jobs')).status).toBe(403);
      expect((await send(jar, 'POST', `/api/admin/jobs/${id}/retry`)).status).toBe(403);
      expect((await send(jar, 'POST', '/api/admin/jobs/retry')).status).toBe(403);
    }
    for (const bad of ['not-a-uuid', randomUUID(), '%00']) {
      const res = await send(admin, 'POST', `/api/admin/jobs/${bad}/retry`);
      expect(res.status, bad).toBe(404);
      expect(res.body.error.code).toBe('ERR_NOT_FOUND');
    }
    const [row] = (await db.query('SELECT failures FROM assets WHERE id = $1', [id])) as Array<{ failures: object }>;
    expect(row!.failures).toEqual({ thumbnails: 'decode_failed' });
  });
});

describe('settings and storage', () => {
  it('reads and changes "delete originals"; WebDAV is shown', async () => {
    expect(await send(admin, 'PATCH', '/api/admin/settings', { deleteOriginals: true })).toEqual({
      status: 200,
      body: { deleteOriginals: true, webdav: true, derivatives: DEFAULT_PARAMS, derivativeDefaults: DEFAULT_PARAMS },
    });
    expect((await send(admin, 'GET', '/api/trash/settings')).body.deleteOriginals).toBe(true);
    expect((await send(admin, 'PATCH', '/api/admin/settings', {})).body.deleteOriginals).toBe(true);
    expect((await send(admin, 'PATCH', '/api/admin/settings', { deleteOriginals: false })).body).toMatchObject({
      deleteOriginals: false,
      webdav: true,
    });
  });

  it('refuses bad settings with 400 and keeps what was stored', async () => {
    for (const body of [{ deleteOriginals: 'yes' }, { deleteOriginals: null }, { webdav: false }, { thumbSize: 9000 }]) {
      const res = await send(admin, 'PATCH', '/api/admin/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
    }
    expect((await send(admin, 'GET', '/api/admin/settings')).body.deleteOriginals).toBe(false);
    expect((await send(manager, 'GET', '/api/admin/settings')).status).toBe(403);
    expect((await send(manager, 'PATCH', '/api/admin/settings', { deleteOriginals: true })).status).toBe(403);
    expect((await send(viewer, 'PATCH', '/api/admin/settings', { deleteOriginals: true })).status).toBe(403);
  });

  it('sums the originals on record and walks the cache', async () => {
    await failedAsset({});
    await failedAsset({});
    const dir = join(instance.config.cachePath, 'admin-test', 'ab');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'one.webp'), Buffer.alloc(5000));
    const before = await send(admin, 'GET', '/api/admin/storage');
    expect(before.status).toBe(200);
    expect(before.body.originals).toEqual({ bytes: 2468, files: 2 });
    const cache = before.body.cache as { bytes: number; files: number; complete: boolean };
    expect(cache.complete).toBe(true);
    expect(cache.files).toBeGreaterThanOrEqual(1);
    expect(cache.bytes).toBeGreaterThanOrEqual(5000);
    await writeFile(join(dir, 'two.webp'), Buffer.alloc(700));
    const after = (await send(admin, 'GET', '/api/admin/storage')).body.cache as { bytes: number; files: number };
    expect(after.bytes - cache.bytes).toBe(700);
    expect(after.files - cache.files).toBe(1);
    expect((await send(manager, 'GET', '/api/admin/storage')).status).toBe(403);
  });
});
