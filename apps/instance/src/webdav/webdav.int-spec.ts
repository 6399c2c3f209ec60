import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryIndexService } from '../services/library-index.service.js';
import { InstanceHarness } from '../test/instance.js';
import { writeJpeg } from '../test/originals.js';
import { PortalHarness } from '../test/portal.js';
import { jpeg, noisyJpeg, pngClaiming, zipOf } from '../test/upload-files.js';

const run = promisify(execFile);
let portal: PortalHarness;
let family: InstanceHarness;
let annPassword: string;
let vicPassword: string;
let local: string;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function dav(path: string, init: RequestInit & { auth?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== undefined) headers.set('authorization', init.auth);
  return fetch(new URL(path, family.url), { ...init, headers });
}

/** rclone against the instance's WebDAV as Ann, with her app password. */
async function rclone(...args: string[]): Promise<string> {
  const { stdout: obscured } = await run('rclone', ['obscure', annPassword]);
  const { stderr } = await run('rclone', [...args, '-v', '--retries', '1', '--low-level-retries', '1'], {
    env: {
      ...process.env,
      RCLONE_CONFIG_ATRIUM_TYPE: 'webdav',
      RCLONE_CONFIG_ATRIUM_URL: `${family.url}/webdav`,
      RCLONE_CONFIG_ATRIUM_VENDOR: 'other',
      RCLONE_CONFIG_ATRIUM_USER: 'ann',
      RCLONE_CONFIG_ATRIUM_PASS: obscured.trim(),
    },
  });
  return stderr;
}

async function propfind(path: string, depth: string, auth = basic('ann', annPassword)) {
  const res = await dav(path, { method: 'PROPFIND', headers: { depth }, auth });
  const body = await res.text();
  const hrefs = [...body.matchAll(/<D:href>([^<]*)<\/D:href>/gi)].map((m) => decodeURIComponent(m[1]!).replace(family.url, '')).sort();
  return { status: res.status, hrefs };
}

beforeAll(async () => {
  portal = await PortalHarness.start();
  family = await InstanceHarness.start({ name: 'family', portal });
  await portal.addUser('ann', { webdav: true });
  await portal.grants.grant(
    { username: 'ann', node: 'family', role: 'contributor', basePath: 'people/{username}', uploadPath: 'uploads/{username}' },
    'cli:test',
  );
  await portal.addUser('vic', { webdav: true });
  await portal.grants.grant({ username: 'vic', node: 'family', role: 'viewer' }, 'cli:test');
  annPassword = await portal.addAppPassword('ann', 'family');
  vicPassword = await portal.addAppPassword('vic', 'family');
  const originals = family.config.originalsPath;
  await writeJpeg(originals, 'people/ann/one.jpg', 1);
  await writeJpeg(originals, 'people/ann/trip/two.jpg', 2);
  await writeJpeg(originals, 'people/bob/secret.jpg', 3);
  const index = family.app.get(LibraryIndexService);
  await index.start({ rescan: false, requestedBy: 'test' });
  await index.settled();
  local = await mkdtemp(join(tmpdir(), 'atrium-rclone-'));
});

afterAll(async () => {
  await family?.stop();
  await portal?.stop();
  if (local) await rm(local, { recursive: true, force: true });
});

describe('WebDAV sign-in', () => {
  it('takes app passwords only: not a portal password, not a role without WebDAV', async () => {
    const none = await dav('/webdav/', { method: 'PROPFIND', headers: { depth: '0' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    for (const auth of [basic('ann', 'correct horse battery staple'), basic('ann', 'wrong'), basic('vic', vicPassword), 'Bearer x', 'Basic !!!']) {
      const res = await dav('/webdav/', { method: 'PROPFIND', headers: { depth: '0' }, auth });
      expect(res.status, auth).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_WEBDAV_AUTH');
    }
  });

  it('stops asking the portal after ten failures for one name', async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await dav('/webdav/', { method: 'PROPFIND', auth: basic('mallory', `guess${i}`) })).status;
    expect(last).toBe(429);
  });
});

describe('WebDAV browsing', () => {
  it('shows what one may see, at depths 0 and 1', async () => {
    expect(await propfind('/webdav/', '0')).toEqual({ status: 207, hrefs: ['/webdav/'] });
    expect(await propfind('/webdav/', '1')).toEqual({
      status: 207,
      hrefs: ['/webdav/', '/webdav/people/', '/webdav/uploads/'],
    });
    expect((await propfind('/webdav/people/', '1')).hrefs).toEqual(['/webdav/people/', '/webdav/people/ann/']);
    expect((await propfind('/webdav/people/ann/', '1')).hrefs).toEqual([
      '/webdav/people/ann/',
      '/webdav/people/ann/one.jpg',
      '/webdav/people/ann/trip/',
    ]);
    // A whole library in one answer is refused: clients walk it a level at a time.
    expect((await propfind('/webdav/', 'infinity')).status).toBe(403);
    expect((await propfind('/webdav/people/bob/', '0')).status).toBe(404);
    expect((await propfind('/webdav/people/bob/secret.jpg', '0')).status).toBe(404);
    const got = await dav('/webdav/people/ann/one.jpg', { auth: basic('ann', annPassword) });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(await readFile(join(family.config.originalsPath, 'people/ann/one.jpg')));
  });

  it('syncs down with rclone, and a second sync changes nothing', async () => {
    const down = join(local, 'down');
    await rclone('sync', 'atrium:people/ann', down);
    expect((await readdir(down, { recursive: true })).sort()).toEqual(['one.jpg', 'trip', 'trip/two.jpg']);
    expect(await readFile(join(down, 'trip/two.jpg'))).toEqual(await readFile(join(family.config.originalsPath, 'people/ann/trip/two.jpg')));
    const again = await rclone('sync', 'atrium:people/ann', down);
    expect(again).not.toMatch(/Copied|Deleted/);
  });
});

describe('WebDAV uploads', () => {
  it('syncs up into the upload path with rclone, and a second sync changes nothing', async () => {
    const up = join(local, 'up');
    await mkdir(join(up, 'beach'), { recursive: true });
    for (const [i, name] of ['a.jpg', 'b.jpg', 'beach/c.jpg'].entries()) await writeFile(join(up, name), await jpeg(100 + i));
    const first = await rclone('sync', up, 'atrium:uploads/ann/phone');
    expect(first).toMatch(/Copied/);
    const rows = (await family.app.get(DataSource).query(
      "SELECT path, uploaded_by, content_hash FROM assets WHERE path LIKE 'uploads/ann/phone/%' ORDER BY path",
    )) as Array<{ path: string; uploaded_by: string; content_hash: string }>;
    expect(rows.map((r) => r.path)).toEqual(['uploads/ann/phone/a.jpg', 'uploads/ann/phone/b.jpg', 'uploads/ann/phone/beach/c.jpg']);
    // The hash taken while the bytes arrived is the hash of what is on disk.
    for (const row of rows) {
      const bytes = await readFile(join(family.config.originalsPath, row.path));
      expect(row.content_hash, row.path).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(new Set(rows.map((r) => r.uploaded_by)).size).toBe(1);
    const second = await rclone('sync', up, 'atrium:uploads/ann/phone');
    expect(second).not.toMatch(/Copied|Deleted/);
  });

  it('refuses bad files and writes outside the upload path, keeping nothing', async () => {
    const auth = basic('ann', annPassword);
    const before = (await readdir(family.config.originalsPath, { recursive: true })).sort();
    const photo = await noisyJpeg();
    const cases: Array<[string, Buffer | string, number, string | null]> = [
      ['/webdav/uploads/ann/notes.jpg', 'plain text', 415, 'ERR_UPLOAD_UNSUPPORTED'],
      ['/webdav/uploads/ann/wrong.png', await jpeg(7), 415, 'ERR_UPLOAD_TYPE_MISMATCH'],
      ['/webdav/uploads/ann/empty.jpg', '', 400, 'ERR_UPLOAD_EMPTY'],
      ['/webdav/uploads/ann/rtl%E2%80%AEgpj.exe', await jpeg(8), 400, 'ERR_UPLOAD_NAME'],
      ['/webdav/uploads/ann/bell%07.jpg', await jpeg(11), 400, 'ERR_UPLOAD_NAME'],
      ['/webdav/uploads/ann/cut.jpg', photo.subarray(0, Math.floor(photo.length * 0.6)), 422, 'ERR_UPLOAD_CORRUPT'],
      ['/webdav/uploads/ann/poly.jpg', Buffer.concat([await jpeg(12), await zipOf('evil.txt', 'payload')]), 415, 'ERR_UPLOAD_POLYGLOT'],
      ['/webdav/uploads/ann/bomb.png', await pngClaiming(30000, 30000), 422, 'ERR_UPLOAD_PIXEL_BOMB'],
      ['/webdav/people/ann/mine.jpg', await jpeg(9), 403, 'ERR_FORBIDDEN'],
      ['/webdav/uploads/ann/phone/a.jpg', await jpeg(10), 409, null],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await dav(path, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), auth });
      expect({ path, status: res.status, code: res.headers.get('x-atrium-error') }).toEqual({ path, status, code });
    }
    // Sent as written (fetch would resolve the dots itself): webdav-server must not climb either.
    for (const path of ['/webdav/uploads/ann/%2E%2E/%2E%2E/escape.jpg', '/webdav/uploads/ann/../../escape.jpg', '/webdav/escape.jpg']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(new URL(family.url), { method: 'PUT', path, headers: { authorization: auth } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end(Buffer.from('x'));
      });
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
    }
    expect((await readdir(family.config.originalsPath, { recursive: true })).sort()).toEqual(before);
    expect(await readdir(family.folder)).not.toContain('escape.jpg');
  });
});

describe('WebDAV on a full disk and past the size limit', () => {
  let small: InstanceHarness;
  let mounted: string;
  let auth: string;

  beforeAll(async () => {
    mounted = join(local, 'tmpfs');
    await mkdir(mounted, { recursive: true });
    // A real full file system: a 1 MiB tmpfs as the temporary area (the tests run as root).
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mounted]);
    small = await InstanceHarness.start({ name: 'small', portal, env: { UPLOAD_TMP_PATH: mounted, UPLOAD_MAX_BYTES: String(600 * 1024) } });
    await mkdir(small.config.originalsPath, { recursive: true });
    await portal.grants.grant({ username: 'ann', node: 'small', role: 'contributor', uploadPath: 'uploads/{username}' }, 'cli:test');
    auth = basic('ann', await portal.addAppPassword('ann', 'small'));
  });

  afterAll(async () => {
    await small?.stop();
    if (mounted) await run('umount', [mounted]).catch(() => undefined);
  });

  /** A PUT as clients send it: with its length, or chunked (no length said). */
  function put(path: string, body: Buffer, chunked = false): Promise<{ status: number; code: string | undefined }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: auth };
      if (chunked) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = String(body.length);
      const req = request(new URL(path, small.url), { method: 'PUT', headers }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, code: res.headers['x-atrium-error'] as string | undefined });
      });
      req.on('error', reject);
      if (chunked) {
        for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
        req.end();
      } else req.end(body);
    });
  }

  it('refuses a file past UPLOAD_MAX_BYTES, said or sent, and one the disk cannot hold; keeps nothing, stays up', async () => {
    const big = Buffer.concat([await noisyJpeg(1200, 900), Buffer.alloc(700 * 1024, 1)]);
    expect(await put('/webdav/uploads/ann/big.jpg', big)).toEqual({ status: 413, code: 'ERR_UPLOAD_TOO_LARGE' });
    expect(await put('/webdav/uploads/ann/big.jpg', big, true)).toEqual({ status: 413, code: 'ERR_UPLOAD_TOO_LARGE' });
    // Someone else fills the disk: a file that fits the limit no longer fits the disk.
    await writeFile(join(mounted, 'filler'), Buffer.alloc(900 * 1024)).catch(() => undefined);
    const photo = await noisyJpeg(800, 600);
    expect(await put('/webdav/uploads/ann/said.jpg', photo)).toEqual({ status: 507, code: 'ERR_STORAGE_FULL' });
    expect(await put('/webdav/uploads/ann/sent.jpg', photo, true)).toEqual({ status: 507, code: 'ERR_STORAGE_FULL' });
    expect(await readdir(small.config.originalsPath, { recursive: true })).toEqual([]);
    expect(await small.app.get(DataSource).query('SELECT id FROM assets')).toEqual([]);
    expect((await readdir(mounted)).filter((name) => name !== 'filler')).toEqual([]);
    // Room again: the same file goes in.
    await rm(join(mounted, 'filler'));
    expect((await put('/webdav/uploads/ann/sent.jpg', photo, true)).status).toBe(201);
  });
});

describe('WebDAV switched off', () => {
  it('is not there with ATRIUM_DISABLE_FEATURES=webdav', async () => {
    const off = await InstanceHarness.start({ name: 'family', identity: 'none', env: { ATRIUM_DISABLE_FEATURES: 'webdav' } });
    try {
      const res = await fetch(`${off.url}/webdav/`, { method: 'PROPFIND', headers: { authorization: basic('ann', 'x'), depth: '0' } });
      expect(res.status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
