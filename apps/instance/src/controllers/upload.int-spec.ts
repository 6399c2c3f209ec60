import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as tus from 'tus-js-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieJar } from '@atrium/testing';
import { MEDIA_QUEUE } from '../common/tokens.js';
import type { MediaQueues } from '../services/media-queue.js';
import { LibraryIndexService } from '../services/library-index.service.js';
import { TusUploadsService } from '../services/tus-uploads.service.js';
import { InstanceHarness } from '../test/instance.js';
import { sessionJar } from '../test/sessions.js';
import { jpeg, noisyJpeg, pngClaiming, zipOf } from '../test/upload-files.js';

const MAX_BYTES = 2 * 1024 * 1024;
let instance: InstanceHarness;
// The app's own data source, looked up each time: a restart replaces it.
const db = () => instance.app.get(DataSource);
let ann: CookieJar; // contributor, upload path uploads/ann
let ada: CookieJar; // admin
let vic: CookieJar; // viewer

/** A JSON answer: an outcome, a list of files, or `{ error: { code } }`. */
type Answer = Record<string, unknown> & {
  status?: string;
  error?: { code: string };
  files?: Array<{ path: string }>;
};
const codeOf = async (res: Response) => ((await res.json()) as Answer).error?.code;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(root, path));
    }
  }
  await walk(root);
  return out.sort();
}

/** The originals, the asset rows and the temporary area: what a refusal must leave as it was. */
async function state() {
  const [originals, tmp, rows] = await Promise.all([
    files(instance.config.originalsPath),
    files(instance.config.uploads.tmpPath),
    db().query('SELECT path, content_hash FROM assets ORDER BY path'),
  ]);
  return { originals, tmp, rows };
}

async function create(jar: CookieJar, length: number | null, fields: Record<string, string>) {
  const headers: Record<string, string> = { 'tus-resumable': '1.0.0', 'upload-metadata': metadata(fields) };
  if (length === null) headers['upload-defer-length'] = '1';
  else headers['upload-length'] = String(length);
  return instance.request(jar, '/api/uploads', { method: 'POST', headers });
}

async function patch(jar: CookieJar, location: string, offset: number, body: Buffer) {
  return instance.request(jar, location, {
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: new Uint8Array(body),
  });
}

/** Creates and sends a whole upload; resolves to the last response and its JSON body. */
async function upload(jar: CookieJar, bytes: Buffer, fields: Record<string, string>) {
  const created = await create(jar, bytes.length, fields);
  if (created.status !== 201) return { status: created.status, body: (await created.json()) as Answer };
  const res = await patch(jar, created.headers.get('location')!, 0, bytes);
  return { status: res.status, body: (await res.json()) as Answer };
}

beforeAll(async () => {
  instance = await InstanceHarness.start({
    name: 'family',
    identity: 'none',
    env: { UPLOAD_MAX_BYTES: String(MAX_BYTES), UPLOAD_MULTIPART_MAX_BYTES: String(256 * 1024) },
  });
  await mkdir(instance.config.originalsPath, { recursive: true });
  [ann, ada, vic] = await Promise.all([
    sessionJar(instance, { id: 'ann', role: 'contributor', uploadPath: 'uploads/ann', basePath: 'people/ann' }),
    sessionJar(instance, { id: 'ada', role: 'admin' }),
    sessionJar(instance, { id: 'vic', role: 'viewer' }),
  ]);
});

afterAll(async () => {
  await instance?.stop();
});

describe('tus uploads', () => {
  it('stores a photo from tus-js-client in the upload path, indexed and queued like any original', async () => {
    const bytes = await jpeg(1);
    const outcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const client = new tus.Upload(bytes, {
        endpoint: `${instance.url}/api/uploads`,
        headers: { cookie: ann.header(new URL(instance.url)), origin: instance.url },
        metadata: { filename: 'Beach day.jpg', sha256: sha(bytes) },
        chunkSize: 1000,
        onError: reject,
        onSuccess: ({ lastResponse }) => resolve(JSON.parse(lastResponse.getBody()) as Record<string, unknown>),
      });
      client.start();
    });
    expect(outcome).toMatchObject({ status: 'stored', path: 'uploads/ann/Beach day.jpg', contentHash: sha(bytes) });
    expect(await readFile(join(instance.config.originalsPath, 'uploads/ann/Beach day.jpg'))).toEqual(bytes);
    const [row] = await db().query('SELECT uploaded_by, media_type, folder FROM assets WHERE id = $1', [outcome.assetId]);
    expect(row).toEqual({ uploaded_by: 'ann', media_type: 'image', folder: 'uploads/ann' });
    const depths = await instance.app.get<MediaQueues>(MEDIA_QUEUE).depths();
    expect(depths.metadata.waiting + depths.metadata.active).toBeGreaterThan(0);
    expect((await state()).tmp).toEqual([]);
    // She sees her upload; an index run finds it already known.
    expect((await instance.request(ann, `/api/assets/${outcome.assetId as string}`)).status).toBe(200);
    const index = instance.app.get(LibraryIndexService);
    await index.start({ rescan: false, requestedBy: 'ada' });
    await index.settled();
    const status = await index.status();
    expect(status.run?.counts).toMatchObject({ added: 0, unchanged: 1, removed: 0 });
  });

  it('gives a second file of the same name a free name, and reports the same content as a duplicate', async () => {
    const other = await jpeg(2);
    const second = await upload(ann, other, { filename: 'Beach day.jpg' });
    expect(second).toMatchObject({ status: 200, body: { status: 'stored', path: 'uploads/ann/Beach day (2).jpg' } });
    const before = await state();
    const again = await upload(ann, other, { filename: 'copy.jpg' });
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', path: 'uploads/ann/Beach day (2).jpg' } });
    expect(await state()).toEqual(before);
    // Known content announced with its hash is refused before any byte is sent.
    const created = await create(ann, other.length, { filename: 'copy.jpg', sha256: sha(other) });
    expect(created.status).toBe(409);
    expect(await codeOf(created)).toBe('ERR_UPLOAD_DUPLICATE');
    const check = await instance.request(ann, '/api/uploads/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: sha(other), fileName: 'copy.jpg' }),
    });
    expect(check.status).toBe(409);
    expect(await state()).toEqual(before);
  });

  it('lets a contributor upload only into its upload path, and a viewer not at all', async () => {
    const bytes = await jpeg(3);
    const before = await state();
    for (const folder of ['people/ann', 'uploads', 'uploads/bob', 'uploads/annie']) {
      const res = await create(ann, bytes.length, { filename: 'x.jpg', folder });
      expect(res.status, folder).toBe(403);
      expect(await codeOf(res)).toBe('ERR_FORBIDDEN');
    }
    const viewer = await create(vic, bytes.length, { filename: 'x.jpg' });
    expect(viewer.status).toBe(403);
    const admin = await upload(ada, bytes, { filename: 'x.jpg', folder: 'events/2024' });
    expect(admin).toMatchObject({ status: 200, body: { status: 'stored', path: 'events/2024/x.jpg' } });
    expect((await state()).originals).toEqual([...before.originals, 'events/2024/x.jpg'].sort());
  });

  it('refuses hostile names and folders before any byte is taken', async () => {
    const before = await state();
    const names = ['../x.jpg', '../../etc/passwd', '/abs.jpg', 'C:\\x.jpg', 'a/b.jpg', '..', 'nul\u0000.jpg',
      'bell\u0007.jpg', 'rtl\u202egpj.exe', 'iso\u2066.jpg', '.hidden.jpg', ''];
    for (const filename of names) {
      const res = await create(ann, 10, { filename });
      expect(res.status, JSON.stringify(filename)).toBe(400);
      expect(await codeOf(res), JSON.stringify(filename)).toBe('ERR_UPLOAD_NAME');
    }
    for (const folder of ['uploads/ann/../../etc', '/etc', 'uploads/ann/\u0000', 'uploads/ann/.git', 'uploads/ann/a\u202eb']) {
      const res = await create(ann, 10, { filename: 'x.jpg', folder });
      expect(res.status, JSON.stringify(folder)).toBe(400);
      expect(await codeOf(res), JSON.stringify(folder)).toBe('ERR_UPLOAD_PATH');
    }
    const noLength = await create(ann, null, { filename: 'x.jpg' });
    expect(noLength.status).toBe(400);
    expect(await codeOf(noLength)).toBe('ERR_UPLOAD_LENGTH_REQUIRED');
    const empty = await create(ann, 0, { filename: 'x.jpg' });
    expect(await codeOf(empty)).toBe('ERR_UPLOAD_EMPTY');
    const huge = await create(ann, MAX_BYTES + 1, { filename: 'x.jpg' });
    expect(huge.status).toBe(413);
    expect(await codeOf(huge)).toBe('ERR_UPLOAD_TOO_LARGE');
    expect(await state()).toEqual(before);
  });

  it('never follows a symlink in the upload path out of the originals', async () => {
    const outside = join(instance.folder, 'outside');
    await mkdir(outside, { recursive: true });
    await mkdir(join(instance.config.originalsPath, 'uploads/ann'), { recursive: true });
    await symlink(outside, join(instance.config.originalsPath, 'uploads/ann/link'));
    const res = await upload(ann, await jpeg(40), { filename: 'x.jpg', folder: 'uploads/ann/link' });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'ERR_UPLOAD_PATH' } } });
    expect(await readdir(outside)).toEqual([]);
    await rm(join(instance.config.originalsPath, 'uploads/ann/link'));
  });

  it('checks what arrived from its content, never its name, and keeps nothing it refuses', async () => {
    const photo = await noisyJpeg();
    const cases: Array<[string, Buffer, string, number]> = [
      ['text named .jpg', Buffer.from('hello, not a photo'), 'ERR_UPLOAD_UNSUPPORTED', 415],
      ['a JPEG named .png', await jpeg(4), 'ERR_UPLOAD_TYPE_MISMATCH', 415],
      ['a JPEG named .mp4', await jpeg(5), 'ERR_UPLOAD_TYPE_MISMATCH', 415],
      ['a cut-off JPEG', photo.subarray(0, Math.floor(photo.length * 0.6)), 'ERR_UPLOAD_CORRUPT', 422],
      ['a JPEG/ZIP polyglot', Buffer.concat([await jpeg(6), await zipOf('evil.txt', 'payload')]), 'ERR_UPLOAD_POLYGLOT', 415],
      ['a 30000² PNG header', await pngClaiming(30000, 30000), 'ERR_UPLOAD_PIXEL_BOMB', 422],
      ['a JPEG whose sha256 was another', await jpeg(7), 'ERR_UPLOAD_HASH_MISMATCH', 400],
    ];
    const names: Record<string, string> = {
      'a JPEG named .png': 'x.png',
      'a JPEG named .mp4': 'x.mp4',
      'a 30000² PNG header': 'bomb.png',
    };
    const before = await state();
    for (const [what, bytes, code, status] of cases) {
      const fields: Record<string, string> = { filename: names[what] ?? 'x.jpg' };
      if (code === 'ERR_UPLOAD_HASH_MISMATCH') fields.sha256 = sha(Buffer.from('something else'));
      const res = await upload(ann, bytes, fields);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status, code });
    }
    expect(await state()).toEqual(before);
  });

  it('refuses more bytes than the upload declared, and keeps fewer as a partial upload to resume', async () => {
    const bytes = await jpeg(8);
    const before = await state();
    const created = await create(ann, 100, { filename: 'x.jpg' });
    const location = created.headers.get('location')!;
    const over = await patch(ann, location, 0, bytes);
    expect(over.status).toBe(413);
    expect(await codeOf(over)).toBe('ERR_UPLOAD_TOO_LARGE');
    const wrongOffset = await patch(ann, location, 50, bytes.subarray(0, 10));
    expect(wrongOffset.status).toBe(409);
    expect(await codeOf(wrongOffset)).toBe('ERR_UPLOAD_OFFSET');
    const after = await state();
    expect(after.originals).toEqual(before.originals);
    expect(after.rows).toEqual(before.rows);
    // Someone else cannot see, continue or cancel it.
    for (const method of ['HEAD', 'PATCH', 'DELETE'])
      expect((await instance.request(ada, location, { method, headers: { 'tus-resumable': '1.0.0' } })).status).toBe(404);
    expect((await instance.request(ann, location, { method: 'DELETE', headers: { 'tus-resumable': '1.0.0' } })).status).toBe(204);
    expect((await state()).tmp).toEqual(before.tmp);
  });

  it('resumes an interrupted upload after the server restarted', async () => {
    const bytes = await noisyJpeg(320, 240);
    const created = await create(ann, bytes.length, { filename: 'resumed.jpg' });
    const location = created.headers.get('location')!;
    const half = Math.floor(bytes.length / 2);
    expect((await patch(ann, location, 0, bytes.subarray(0, half))).status).toBe(204);
    await instance.restart();
    const head = await instance.request(ann, location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    // The hash taken on arrival died with the server: the new one hashes the first half, then the rest as it comes.
    const quarter = half + Math.floor((bytes.length - half) / 2);
    expect((await patch(ann, location, half, bytes.subarray(half, quarter))).status).toBe(204);
    const done = await patch(ann, location, quarter, bytes.subarray(quarter));
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'stored', path: 'uploads/ann/resumed.jpg', contentHash: sha(bytes) });
    expect(await db().query('SELECT content_hash FROM assets WHERE path = $1', ['uploads/ann/resumed.jpg'])).toEqual([
      { content_hash: sha(bytes) },
    ]);
    expect(await readFile(join(instance.config.originalsPath, 'uploads/ann/resumed.jpg'))).toEqual(bytes);
  });

  it('removes an abandoned partial upload once it is older than UPLOAD_EXPIRE_AFTER', async () => {
    const before = await state();
    const created = await create(ann, 1000, { filename: 'abandoned.jpg' });
    const location = created.headers.get('location')!;
    await patch(ann, location, 0, Buffer.alloc(400, 1));
    const id = location.split('/').pop()!;
    const infoPath = join(instance.config.uploads.tmpPath, `${id}.json`);
    const info = JSON.parse(await readFile(infoPath, 'utf8')) as { creation_date: string };
    info.creation_date = new Date(Date.now() - 25 * 3600_000).toISOString();
    await writeFile(infoPath, JSON.stringify(info));
    expect(await instance.app.get(TusUploadsService).sweep()).toBe(1);
    expect(await state()).toEqual(before);
    const head = await instance.request(ann, location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
    expect(head.status).toBe(404);
  });

  it('stores two uploads of the same content at once only once', async () => {
    const bytes = await jpeg(9);
    const results = await Promise.all([
      upload(ann, bytes, { filename: 'twin-a.jpg' }),
      upload(ann, bytes, { filename: 'twin-b.jpg' }),
    ]);
    expect(results.map((r) => r.body.status).sort()).toEqual(['duplicate', 'stored']);
    const rows = (await db().query('SELECT path FROM assets WHERE content_hash = $1', [sha(bytes)])) as Array<{ path: string }>;
    expect(rows).toHaveLength(1);
    const stored = (await files(instance.config.originalsPath)).filter((f) => f.includes('twin-'));
    expect(stored).toEqual([rows[0]!.path]);
  });
});

describe('multipart uploads', () => {
  async function post(jar: CookieJar, parts: Array<[string, Buffer | string, string?]>) {
    const form = new FormData();
    for (const [name, value, fileName] of parts) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([new Uint8Array(value)]), fileName);
    }
    const res = await instance.request(jar, '/api/uploads/files', { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as Answer };
  }

  it('takes small files in one request, as scripts send them', async () => {
    const res = await post(ada, [
      ['folder', 'scans'],
      ['file', await jpeg(20), 'scan-1.jpg'],
      ['file', await jpeg(21), 'scan-2.jpeg'],
    ]);
    expect(res.status).toBe(201);
    expect(res.body.files?.map((f) => f.path)).toEqual(['scans/scan-1.jpg', 'scans/scan-2.jpeg']);
  });

  it('refuses hostile names, other folders and large files, keeping nothing', async () => {
    const before = await state();
    const traversal = await post(ann, [['file', await jpeg(22), '../../escape.jpg']]);
    expect(traversal).toMatchObject({ status: 400, body: { error: { code: 'ERR_UPLOAD_NAME' } } });
    const other = await post(ann, [['folder', 'scans'], ['file', await jpeg(23), 'a.jpg']]);
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'ERR_FORBIDDEN' } } });
    const big = await post(ann, [['file', await noisyJpeg(1024, 768), 'big.jpg']]);
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'ERR_UPLOAD_TOO_LARGE' } } });
    const notForm = await instance.request(ann, '/api/uploads/files', { method: 'POST', body: 'x' });
    expect(notForm.status).toBe(415);
    expect(await state()).toEqual(before);
  });
});

describe('a full disk', () => {
  let small: InstanceHarness;
  let mounted: string;
  let bea: CookieJar;

  beforeAll(async () => {
    mounted = join(instance.folder, 'tmpfs');
    await mkdir(mounted, { recursive: true });
    // A real full file system: a 1 MiB tmpfs as the temporary area (the tests run as root).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mounted]);
    small = await InstanceHarness.start({ name: 'family', identity: 'none', env: { UPLOAD_TMP_PATH: mounted } });
    await mkdir(small.config.originalsPath, { recursive: true });
    bea = await sessionJar(small, { id: 'bea', role: 'user' });
  });

  afterAll(async () => {
    await small?.stop();
    execFileSync('umount', [mounted]);
  });

  it('answers 507 ERR_STORAGE_FULL before and during a transfer, keeping nothing', async () => {
    const tooBig = await small.request(bea, '/api/uploads', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': String(2 * 1024 * 1024), 'upload-metadata': metadata({ filename: 'x.jpg' }) },
    });
    expect(tooBig.status).toBe(507);
    expect(await codeOf(tooBig)).toBe('ERR_STORAGE_FULL');
    const bytes = await noisyJpeg(800, 600);
    const created = await small.request(bea, '/api/uploads', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length), 'upload-metadata': metadata({ filename: 'x.jpg' }) },
    });
    expect(created.status).toBe(201);
    // Someone else fills the disk meanwhile.
    await writeFile(join(mounted, 'filler'), Buffer.alloc(1024 * 1024 - bytes.length / 2)).catch(() => undefined);
    const res = await small.request(bea, created.headers.get('location')!, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(res.status).toBe(507);
    expect(await codeOf(res)).toBe('ERR_STORAGE_FULL');
    expect(await files(small.config.originalsPath)).toEqual([]);
    expect(await small.app.get(DataSource).query('SELECT id FROM assets')).toEqual([]);
  });
});
