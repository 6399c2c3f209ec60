import { open, mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY } from '@atrium/policy';
import type { CookieJar } from '@atrium/testing';
import { InstanceHarness } from '../test/instance.js';
import { insertAlbum, insertAsset } from '../test/library.js';
import { sessionJar } from '../test/sessions.js';

let instance: InstanceHarness;
let db: DataSource;
let ada: CookieJar; // admin
let gus: CookieJar; // guest, base path shared
const ids: Record<string, string> = {};
let album: string;
let hidden: string;

async function original(path: string, text = `bytes of ${path}`): Promise<string> {
  const file = join(instance.config.originalsPath, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return path;
}

async function zip(jar: CookieJar, path: string, init: RequestInit = {}) {
  const res = await instance.request(jar, path, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, code: (JSON.parse(bytes.toString()) as { error: { code: string } }).error.code };
  const entries = new AdmZip(bytes).getEntries().map((e) => [e.entryName, e.getData().toString()] as const);
  return { status: 200, disposition: res.headers.get('content-disposition'), entries: Object.fromEntries(entries) };
}

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  for (const path of ['shared/a.jpg', 'trips/a.jpg', 'trips/A.JPG', 'trips/2024/b.jpg', 'private/c.jpg'])
    ids[path] = await insertAsset(db, { path: await original(path) });
  ids['shared/own-policy.jpg'] = await insertAsset(db, { path: await original('shared/own-policy.jpg') });
  ids['trips/gone.jpg'] = await insertAsset(db, { path: 'trips/gone.jpg', missingAt: new Date() });
  await db.query('UPDATE assets SET policy_id = NULL WHERE id = $1', [ids['shared/own-policy.jpg']]);
  album = await insertAlbum(db, {
    title: 'Summer: "best" of 2024/25',
    policy: { everyone: true, users: [], groups: [] },
    assets: [ids['shared/a.jpg']!, ids['trips/a.jpg']!, ids['trips/A.JPG']!, ids['trips/gone.jpg']!],
  });
  hidden = await insertAlbum(db, { title: 'Hidden', policy: NOBODY, assets: [ids['private/c.jpg']!] });
  [ada, gus] = await Promise.all([
    sessionJar(instance, { id: 'ada', role: 'admin' }),
    sessionJar(instance, { id: 'gus', role: 'guest', basePath: 'shared' }),
  ]);
});

afterAll(async () => {
  await instance?.stop();
});

describe('zip downloads', () => {
  it('zips an album with unique names (without regard to case) and a safe file name', async () => {
    const res = await zip(ada, `/api/downloads/albums/${album}`);
    expect(res.status).toBe(200);
    expect(res.entries).toEqual({
      'a.jpg': 'bytes of shared/a.jpg',
      'A (2).JPG': 'bytes of trips/A.JPG',
      'a (3).jpg': 'bytes of trips/a.jpg',
    });
    expect(res.disposition).toContain('filename="Summer_ _best_ of 2024_25.zip"');
  });

  it('gives each role only what it may see', async () => {
    // Gus sees the album (everyone) and its photos through it; the hidden album not at all.
    expect((await zip(gus, `/api/downloads/albums/${album}`)).entries).toEqual({
      'a.jpg': 'bytes of shared/a.jpg',
      'A (2).JPG': 'bytes of trips/A.JPG',
      'a (3).jpg': 'bytes of trips/a.jpg',
    });
    expect(await zip(gus, `/api/downloads/albums/${hidden}`)).toEqual({ status: 404, code: 'ERR_NOT_FOUND' });
    expect(await zip(gus, '/api/downloads/albums/not-an-id')).toEqual({ status: 404, code: 'ERR_NOT_FOUND' });
    expect(await zip(gus, '/api/downloads/folder?path=private')).toEqual({ status: 404, code: 'ERR_ZIP_EMPTY' });
    expect(Object.keys((await zip(gus, '/api/downloads/folder')).entries ?? {}).sort()).toEqual([
      'shared/a.jpg',
      'shared/own-policy.jpg',
      'trips/A.JPG',
      'trips/a (2).jpg',
    ]);
  });

  it('zips a folder as a tree, and refuses paths that climb', async () => {
    expect((await zip(ada, '/api/downloads/folder?path=trips')).entries).toEqual({
      '2024/b.jpg': 'bytes of trips/2024/b.jpg',
      'A.JPG': 'bytes of trips/A.JPG',
      'a (2).jpg': 'bytes of trips/a.jpg',
    });
    for (const path of ['../etc', '/etc', 'trips/%00'])
      expect((await zip(ada, `/api/downloads/folder?path=${path}`)).code).toBe('ERR_FILTER_INVALID');
  });

  it('zips a selection, as JSON or as a form post, leaving out what cannot be had', async () => {
    const body = { ids: [ids['private/c.jpg'], ids['shared/a.jpg'], 'bogus', ids['trips/gone.jpg']] };
    const json = await zip(gus, '/api/downloads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(json.entries).toEqual({ 'a.jpg': 'bytes of shared/a.jpg' });
    const form = new URLSearchParams([['ids', ids['private/c.jpg']!], ['ids', ids['trips/2024/b.jpg']!]]);
    const posted = await zip(ada, '/api/downloads', { method: 'POST', body: form });
    expect(posted.entries).toEqual({ 'c.jpg': 'bytes of private/c.jpg', 'b.jpg': 'bytes of trips/2024/b.jpg' });
    const none = await zip(gus, '/api/downloads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [ids['private/c.jpg']] }),
    });
    expect(none).toEqual({ status: 404, code: 'ERR_ZIP_EMPTY' });
    const bad = await instance.request(ada, '/api/downloads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [] }),
    });
    expect(bad.status).toBe(400);
  });

  it('tells what each zip would hold before it is made, with the same refusals', async () => {
    const info = async (jar: CookieJar, path: string, init: RequestInit = {}) => {
      const res = await instance.request(jar, path, init);
      const body = (await res.json()) as Record<string, unknown> & { error?: { code: string } };
      return res.status === 200 ? { status: 200, ...body } : { status: res.status, code: body.error!.code };
    };
    expect(await info(ada, `/api/downloads/albums/${album}/info`)).toEqual({
      status: 200,
      fileName: 'Summer_ _best_ of 2024_25.zip',
      files: 3,
      originals: 3,
      previews: 0,
    });
    expect(await info(ada, '/api/downloads/folder/info?path=trips')).toMatchObject({ fileName: 'trips.zip', files: 3 });
    expect(await info(gus, `/api/downloads/albums/${hidden}/info`)).toEqual({ status: 404, code: 'ERR_NOT_FOUND' });
    expect(await info(gus, '/api/downloads/folder/info?path=private')).toEqual({ status: 404, code: 'ERR_ZIP_EMPTY' });
    expect((await info(ada, '/api/downloads/folder/info?path=../etc')).code).toBe('ERR_FILTER_INVALID');
    const post = (jar: CookieJar, body: unknown) =>
      info(jar, '/api/downloads/info', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await post(gus, { ids: [ids['shared/a.jpg'], ids['private/c.jpg']] })).toEqual({
      status: 200,
      fileName: 'family-selection.zip',
      files: 1,
      originals: 1,
      previews: 0,
    });
    expect(await post(gus, { ids: [ids['private/c.jpg']] })).toEqual({ status: 404, code: 'ERR_ZIP_EMPTY' });
    expect((await post(ada, { ids: [] })).status).toBe(400);
    expect((await post(ada, { ids: [42] })).status).toBe(400);
    expect((await post(ada, { ids: ['x'.repeat(65)] })).status).toBe(400);
    // Asked from another site, it is refused like the zip itself.
    const foreign = await info(ada, '/api/downloads/info', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:1' },
      body: JSON.stringify({ ids: [ids['shared/a.jpg']] }),
    });
    expect(foreign).toEqual({ status: 403, code: 'ERR_CSRF' });
  });

  it('takes a selection of 10,000 ids as a form post or JSON, and refuses one more', async () => {
    const many = (n: number) => [ids['trips/2024/b.jpg']!, ...Array.from({ length: n - 1 }, () => crypto.randomUUID())];
    const form = (list: string[]) => new URLSearchParams([...list.map((id) => ['ids', id]), ['csrf', 'ignored']]);
    const posted = await zip(ada, '/api/downloads', { method: 'POST', body: form(many(10_000)) });
    expect(posted.entries).toEqual({ 'b.jpg': 'bytes of trips/2024/b.jpg' });
    const json = await instance.request(ada, '/api/downloads/info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: many(10_000) }),
    });
    expect(await json.json()).toMatchObject({ files: 1, originals: 1 });
    const over = await instance.request(ada, '/api/downloads', { method: 'POST', body: form(many(10_001)) });
    expect(over.status).toBe(400);
    // Past the larger limit of these routes, the body itself is refused, with a code.
    const huge = await instance.request(ada, '/api/downloads', {
      method: 'POST',
      body: form(Array.from({ length: 9_000 }, () => 'x'.repeat(64))),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('ERR_TOO_LARGE');
    // Other routes keep the usual limit of 256 kB.
    const elsewhere = await instance.request(ada, '/api/albums', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(300_000) }),
    });
    expect(elsewhere.status).toBe(413);
    // A cross-site form post (a sibling host shares the cookie) is refused, however well-formed.
    const foreign = await instance.request(ada, '/api/downloads', {
      method: 'POST',
      headers: { origin: 'http://127.0.0.2:8080' },
      body: form([ids['trips/2024/b.jpg']!]),
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('ERR_CSRF');
  });

  it('writes ZIP64 records for a file past 4 GiB, streamed to the end', async () => {
    const path = 'big/huge.mp4';
    const file = join(instance.config.originalsPath, path);
    await mkdir(dirname(file), { recursive: true });
    // A sparse file: 4.1 GiB long, no disk used.
    const size = Math.floor(4.1 * 1024 ** 3);
    const handle = await open(file, 'w');
    await handle.truncate(size);
    await handle.close();
    const id = await insertAsset(db, { path, mediaType: 'video', size });
    // node:http rather than fetch: it reads 4 GiB several times faster.
    const { status, total, tail } = await new Promise<{ status: number; total: number; tail: Buffer }>((resolve, reject) => {
      const url = new URL('/api/downloads/folder?path=big', instance.url);
      get(url, { headers: { cookie: ada.header(url) } }, (res) => {
        let total = 0;
        let tail: Buffer = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          tail = chunk.length >= 4096 ? chunk.subarray(-4096) : Buffer.concat([tail, chunk]).subarray(-4096);
        });
        res.on('end', () => resolve({ status: res.statusCode!, total, tail }));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    expect(total).toBeGreaterThan(size);
    // The ZIP64 end-of-central-directory record and its locator.
    expect(tail.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(tail.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
    await db.query('DELETE FROM assets WHERE id = $1', [id]);
    // 4 GiB through HTTP: 30 s on a quiet machine, over a minute and a half at load 15.
  }, 300_000);
});
