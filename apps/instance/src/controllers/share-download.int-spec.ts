import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '@atrium/policy';
import { CookieJar } from '@atrium/testing';
import { InstanceHarness, sendJson } from '../test/instance.js';
import { clearLibrary, insertAlbum, insertAsset } from '../test/library.js';
import { sessionJar } from '../test/sessions.js';

// Downloads through a share link (GET /api/share/:token/download): an album link's zip of
// originals with exact bytes and flat, safe, unique names; an asset link's one file; none for a
// link that forbids downloads; the password, expiry and revocation rules of every share route.
let instance: InstanceHarness;
let db: DataSource;
let admin: CookieJar;
/** The bytes written for each original, by its path. */
const bytes = new Map<string, Buffer>();

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const P = (p: Partial<AccessPolicy>): AccessPolicy => ({ everyone: false, users: [], groups: [], ...p });

async function original(path: string, seed: Parameters<typeof insertAsset>[1] = { path }): Promise<string> {
  const file = join(instance.config.originalsPath, path);
  await mkdir(dirname(file), { recursive: true });
  const data = randomBytes(2048 + bytes.size * 97);
  await writeFile(file, data);
  bytes.set(path, data);
  return insertAsset(db, { ...seed, path });
}

const send = (jar: CookieJar, method: string, path: string, body?: unknown) => sendJson(instance, jar, method, path, body);

/** A link made through the API; its API path (`/api/share/<token>`). */
async function link(body: Record<string, unknown>): Promise<{ id: string; api: string }> {
  const created = await send(admin, 'POST', '/api/share-links', body);
  expect(created.status).toBe(201);
  return {
    id: created.body.id as string,
    api: `/api/share/${new URL(created.body.url as string).pathname.split('/').pop()}`,
  };
}

async function download(jar: CookieJar, api: string) {
  const res = await instance.request(jar, `${api}/download`);
  const data = Buffer.from(await res.arrayBuffer());
  const headers = {
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    counts: res.headers.get('x-atrium-zip'),
    cache: res.headers.get('cache-control'),
  };
  if (res.status !== 200)
    return {
      status: res.status,
      code: (JSON.parse(data.toString()) as { error: { code: string } }).error.code,
      headers,
    };
  return { status: 200, data, headers };
}

/** The zip's entries as name → SHA-256. */
function unzip(data: Buffer): Record<string, string> {
  return Object.fromEntries(new AdmZip(data).getEntries().map((e) => [e.entryName, sha(e.getData())]));
}

/** The UTF-8 file name of a Content-Disposition (RFC 8187 `filename*`). */
function fileNameOf(disposition: string | null | undefined): string {
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition ?? '')?.[1];
  return utf8 ? decodeURIComponent(utf8) : '';
}

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  admin = await sessionJar(instance, { id: 'acc-admin', role: 'admin' });
});

afterAll(async () => {
  await instance?.stop();
});

beforeEach(async () => {
  await clearLibrary(db);
  bytes.clear();
  instance.clock.offsetMs = 0;
});

/** An album with what a link shows and what it never shows, plus a photo outside it. */
async function holidays(title = 'Holidays') {
  const shown = {
    'family/2024/beach.jpg': await original('family/2024/beach.jpg'),
    'family/2023/beach.jpg': await original('family/2023/beach.jpg'),
    'trips/BEACH.JPG': await original('trips/BEACH.JPG'),
    'trips/clip.mp4': await original('trips/clip.mp4', { path: 'trips/clip.mp4', mediaType: 'video' }),
  };
  const hidden = {
    private: await original('family/private.jpg', { path: 'family/private.jpg', private: true }),
    archived: await original('family/archived.jpg', { path: 'family/archived.jpg', archived: true }),
    // Its own policy: the owner decided who sees it, so the album's link does not speak for it.
    ownPolicy: await original('family/own-policy.jpg', {
      path: 'family/own-policy.jpg',
      policy: P({ everyone: true }),
    }),
    trashed: await original('family/trashed.jpg', { path: 'family/trashed.jpg', deletedAt: new Date() }),
    missing: await insertAsset(db, { path: 'family/missing.jpg' }),
  };
  const outside = await original('family/outside.jpg');
  const album = await insertAlbum(db, { title, assets: [...Object.values(shown), ...Object.values(hidden)] });
  return { shown, hidden, outside, album };
}

describe('downloads through a share link', () => {
  it('gives an album link that allows downloads its shown photos as originals, byte for byte, under flat unique names', async () => {
    const { album } = await holidays();
    const { api } = await link({ albumId: album, allowDownload: true });
    const res = await download(new CookieJar(), api);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      type: 'application/zip',
      counts: 'originals=4; previews=0',
      cache: 'no-store',
    });
    expect(fileNameOf(res.headers.disposition)).toBe('Holidays.zip');
    // In path order, names compared without case: no folder of the library in any name.
    expect(unzip(res.data!)).toEqual({
      'beach.jpg': sha(bytes.get('family/2023/beach.jpg')!),
      'beach (2).jpg': sha(bytes.get('family/2024/beach.jpg')!),
      'BEACH (3).JPG': sha(bytes.get('trips/BEACH.JPG')!),
      'clip.mp4': sha(bytes.get('trips/clip.mp4')!),
    });
  });

  it('never puts in what the link does not show: private, archived, own policy, trashed, missing, or outside the album', async () => {
    const { album, hidden, outside } = await holidays();
    const { api } = await link({ albumId: album, allowDownload: true });
    const names = Object.keys(unzip((await download(new CookieJar(), api)).data!));
    expect(names).toHaveLength(4);
    for (const name of [
      'private.jpg',
      'archived.jpg',
      'own-policy.jpg',
      'trashed.jpg',
      'missing.jpg',
      'outside.jpg',
    ])
      expect(names).not.toContain(name);
    // Even when the album takes the photo from outside after the link was made, it appears only then.
    await db.query('INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now())', [
      album,
      outside,
    ]);
    expect(Object.keys(unzip((await download(new CookieJar(), api)).data!))).toContain('outside.jpg');
    // And a photo made private after the link was made leaves the zip at once.
    await db.query('UPDATE assets SET private = true WHERE id = $1', [outside]);
    expect(Object.keys(unzip((await download(new CookieJar(), api)).data!))).not.toContain('outside.jpg');
    void hidden;
  });

  it('gives a link that forbids downloads no zip and no file, not even previews', async () => {
    const { album, shown } = await holidays();
    const byAlbum = await link({ albumId: album });
    const byAsset = await link({ assetId: shown['trips/BEACH.JPG'] });
    for (const { api } of [byAlbum, byAsset]) {
      const res = await download(new CookieJar(), api);
      expect(res).toMatchObject({ status: 403, code: 'ERR_LINK_NO_DOWNLOAD' });
      // The page itself still works: the link forbids downloads, it is not broken.
      expect((await send(new CookieJar(), 'GET', api)).body).toMatchObject({ allowDownload: false });
    }
  });

  it('gives an asset link its one original as the file itself, named without its folder', async () => {
    const { shown } = await holidays();
    const photo = shown['trips/BEACH.JPG'];
    const { api } = await link({ assetId: photo, allowDownload: true });
    const res = await download(new CookieJar(), api);
    expect(res.status).toBe(200);
    expect(res.headers.type).toBe('image/jpeg');
    expect(res.headers.disposition).toContain('attachment; filename="BEACH.JPG"');
    expect(sha(res.data!)).toBe(sha(bytes.get('trips/BEACH.JPG')!));
    // A cut-off download resumes: the file answers byte ranges.
    const range = await instance.request(new CookieJar(), `${api}/download`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.get('trips/BEACH.JPG')!.subarray(100, 200));
    // Made private later: the link shows it no more, and downloads nothing.
    await db.query('UPDATE assets SET private = true WHERE id = $1', [photo]);
    expect(await download(new CookieJar(), api)).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' });
  });

  it('answers an album link whose photos are all hidden with an empty-zip 404, not an empty zip', async () => {
    const hiddenOnly = await original('family/secret.jpg', { path: 'family/secret.jpg', private: true });
    const album = await insertAlbum(db, { title: 'Nothing to see', assets: [hiddenOnly] });
    const { api } = await link({ albumId: album, allowDownload: true });
    expect(await download(new CookieJar(), api)).toMatchObject({ status: 404, code: 'ERR_ZIP_EMPTY' });
  });

  it('names the zip safely whatever the album title, and the files in it whatever their names on disk', async () => {
    const evilName = 'evil\\..\\..\\Windows\u202egpj.exe';
    const id = await original(`family/${evilName}`);
    const hostile = '../../etc/passwd\u0007\u202e:"<Sommer>"|?*';
    const album = await insertAlbum(db, { title: hostile, assets: [id] });
    const { api } = await link({ albumId: album, allowDownload: true });
    const res = await download(new CookieJar(), api);
    expect(res.status).toBe(200);
    const name = fileNameOf(res.headers.disposition);
    expect(name).toBe('_.._etc_passwd_____Sommer_____.zip');
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    expect(res.headers.disposition).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(Object.keys(unzip(res.data!))).toEqual(['evil_.._.._Windows_gpj.exe']);
    // A very long title is cut to 120 characters (never inside one), plus `.zip`.
    await db.query('UPDATE albums SET title = $2 WHERE id = $1', [album, '😀'.repeat(300)]);
    expect(fileNameOf((await download(new CookieJar(), api)).headers.disposition)).toBe(
      `${'😀'.repeat(120)}.zip`,
    );
    // An empty title (or one of dots and spaces) still names a file.
    await db.query(`UPDATE albums SET title = ' .. ' WHERE id = $1`, [album]);
    expect(fileNameOf((await download(new CookieJar(), api)).headers.disposition)).toBe('download.zip');
    // A one-photo link hands the file out under its name, its right-to-left override disarmed.
    const byAsset = await link({ assetId: id, allowDownload: true });
    const file = await download(new CookieJar(), byAsset.api);
    expect(file.status).toBe(200);
    expect(fileNameOf(file.headers.disposition)).toBe('evil\\..\\..\\Windows_gpj.exe');
    expect(file.headers.disposition).not.toContain('%E2%80%AE');
    expect(sha(file.data!)).toBe(sha(bytes.get(`family/${evilName}`)!));
  });

  it('asks a password link for its unlock, like every share route, and keeps it to that browser', async () => {
    const { album } = await holidays();
    const { api } = await link({ albumId: album, allowDownload: true, password: 'open sesame' });
    const visitor = new CookieJar();
    expect(await download(visitor, api)).toMatchObject({ status: 401, code: 'ERR_LINK_PASSWORD' });
    expect((await send(visitor, 'POST', `${api}/unlock`, { password: 'wrong' })).status).toBe(401);
    expect(await download(visitor, api)).toMatchObject({ status: 401, code: 'ERR_LINK_PASSWORD' });
    expect((await send(visitor, 'POST', `${api}/unlock`, { password: 'open sesame' })).status).toBe(204);
    expect(Object.keys(unzip((await download(visitor, api)).data!))).toHaveLength(4);
    expect(await download(new CookieJar(), api)).toMatchObject({ status: 401, code: 'ERR_LINK_PASSWORD' });
    // A session of the library is no unlock: an admin's browser is asked too.
    expect(await download(admin, api)).toMatchObject({ status: 401, code: 'ERR_LINK_PASSWORD' });
    // A password link without downloads says so only to whoever knows its password.
    const closed = await link({ albumId: album, password: 'open sesame' });
    expect(await download(visitor, closed.api)).toMatchObject({ status: 401, code: 'ERR_LINK_PASSWORD' });
    expect((await send(visitor, 'POST', `${closed.api}/unlock`, { password: 'open sesame' })).status).toBe(
      204,
    );
    expect(await download(visitor, closed.api)).toMatchObject({ status: 403, code: 'ERR_LINK_NO_DOWNLOAD' });
  });

  it('answers expired, revoked, forged and malformed links with the one ERR_LINK_UNAVAILABLE', async () => {
    const { album } = await holidays();
    const expiring = await link({
      albumId: album,
      allowDownload: true,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const revoked = await link({ albumId: album, allowDownload: true });
    expect((await download(new CookieJar(), expiring.api)).status).toBe(200);
    expect((await download(new CookieJar(), revoked.api)).status).toBe(200);
    await send(admin, 'POST', `/api/share-links/${revoked.id}/revoke`);
    instance.clock.advance(61_000);
    const answers = [];
    for (const api of [
      expiring.api,
      revoked.api,
      `/api/share/${'A'.repeat(43)}`,
      '/api/share/short',
      '/api/share/x%00y',
    ])
      answers.push(await download(new CookieJar(), api));
    for (const answer of answers) expect(answer).toMatchObject({ status: 404, code: 'ERR_LINK_UNAVAILABLE' });
  });

  it('survives a visitor who goes away mid-zip, and serves the next one whole', async () => {
    const { album } = await holidays();
    // 64 MiB of sparse file: many chunks of zip, so the client can leave before the end.
    const path = join(instance.config.originalsPath, 'family/long.mp4');
    const handle = await open(path, 'w');
    await handle.truncate(64 * 1024 ** 2);
    await handle.close();
    await db.query('INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now())', [
      album,
      await insertAsset(db, { path: 'family/long.mp4', mediaType: 'video', size: 64 * 1024 ** 2 }),
    ]);
    const { api } = await link({ albumId: album, allowDownload: true });
    const controller = new AbortController();
    const res = await instance.request(new CookieJar(), `${api}/download`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    const whole = await download(new CookieJar(), api);
    expect(whole.headers.counts).toBe('originals=5; previews=0');
    expect(Object.keys(unzip(whole.data!))).toContain('long.mp4');
  });

  it('does not count a download as an opening of the link (the page counts those)', async () => {
    const { album } = await holidays();
    const { id, api } = await link({ albumId: album, allowDownload: true });
    await send(new CookieJar(), 'GET', api);
    await download(new CookieJar(), api);
    const listing = (await send(admin, 'GET', '/api/share-links')).body as unknown as Array<{
      id: string;
      openCount: number;
    }>;
    expect(listing.find((l) => l.id === id)?.openCount).toBe(1);
  });
});
