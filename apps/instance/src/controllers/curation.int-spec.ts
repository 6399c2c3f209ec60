import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CookieJar } from '@atrium/testing';
import { LibraryIndexService } from '../services/library-index.service.js';
import { InstanceHarness, sendJson } from '../test/instance.js';
import { clearLibrary } from '../test/library.js';
import { writeJpeg } from '../test/originals.js';
import { sessionJar } from '../test/sessions.js';

// Editing one asset or a thousand with undo, and the trash: restore, empty with tombstones, files
// removed from disk only in upload paths or with the library's "delete originals" setting.
let instance: InstanceHarness;
let db: DataSource;
let admin: CookieJar;
let contributor: CookieJar;

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  admin = await sessionJar(instance, { id: 'acc-admin', role: 'admin' });
  contributor = await sessionJar(instance, {
    id: 'acc-ann',
    role: 'contributor',
    basePath: 'family',
    uploadPath: 'uploads/ann',
  });
});

afterAll(async () => {
  await instance?.stop();
});

beforeEach(async () => {
  await clearLibrary(db);
});

const send = (jar: CookieJar, method: string, path: string, body?: unknown) => sendJson(instance, jar, method, path, body);

/** `n` assets in `family/` (on record only), one a minute back from 2024-06-01, inserted in one statement. */
let batch = 0;
async function manyAssets(n: number, uploadedBy: string | null = null): Promise<string[]> {
  const prefix = `family/${++batch}-`;
  const rows = (await db.query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, uploaded_by, created_at, updated_at)
     SELECT gen_random_uuid(), $3 || i || '.jpg', 'family', i || '.jpg', 1000, t, md5($3 || i) || md5(i::text), 'image', 'image/jpeg', t, $2, now(), now()
     FROM generate_series(1, $1) i, LATERAL (SELECT '2024-06-01T00:00:00Z'::timestamptz - i * interval '1 minute' AS t) x
     RETURNING id`,
    [n, uploadedBy, prefix],
  )) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

const stateOf = async (ids: string[]) =>
  (await db.query(
    `SELECT count(*) FILTER (WHERE favorite)::int AS favorites, count(*) FILTER (WHERE title = 'Summer')::int AS titled,
       (SELECT count(*)::int FROM asset_tags t JOIN tags g ON g.id = t.tag_id WHERE g.name = 'trip' AND t.asset_id = ANY($1::uuid[])) AS tagged
     FROM assets WHERE id = ANY($1::uuid[])`,
    [ids],
  )) as Array<{ favorites: number; titled: number; tagged: number }>;

describe('editing', () => {
  it('edits 1,000 assets in one request and undoes it in one more', async () => {
    const ids = await manyAssets(1000);
    const edit = await send(admin, 'PATCH', '/api/assets', {
      ids,
      changes: { favorite: true, title: 'Summer', addTags: ['trip', ' trip '] },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.updated).toBe(1000);
    expect(await stateOf(ids)).toEqual([{ favorites: 1000, titled: 1000, tagged: 1000 }]);
    // The scrubber's index counts a month up to 100, and only what the filter keeps.
    expect((await send(admin, 'GET', '/api/assets/months')).body).toEqual([{ month: '2024-05', count: 100 }]);
    expect((await send(admin, 'GET', '/api/assets/months?tag=nothing')).body).toEqual([]);

    expect((await send(admin, 'POST', `/api/edits/${edit.body.undoId}/undo`)).status).toBe(204);
    expect(await stateOf(ids)).toEqual([{ favorites: 0, titled: 0, tagged: 0 }]);
    // An edit is undone once.
    expect((await send(admin, 'POST', `/api/edits/${edit.body.undoId}/undo`)).status).toBe(404);
  });

  it('sets taken-at with its time zone, which moves the asset in the timeline, and undoes that', async () => {
    const [a, b] = await manyAssets(2);
    const edit = await send(admin, 'PATCH', '/api/assets', {
      ids: [b],
      changes: { takenAt: '2030-01-01T09:00:00+01:00', timeZone: 'Europe/Paris', caption: 'New year' },
    });
    expect(edit.status).toBe(200);
    const page = (await send(admin, 'GET', '/api/assets')).body as {
      items: Array<{ id: string; takenAt: string }>;
    };
    expect(page.items.map((i) => i.id)).toEqual([b, a]);
    expect(page.items[0]!.takenAt).toBe('2030-01-01T08:00:00.000Z');
    const detail = (await send(admin, 'GET', `/api/assets/${b}`)).body;
    expect(detail.timeZone).toBe('Europe/Paris');
    await send(admin, 'POST', `/api/edits/${edit.body.undoId}/undo`);
    const back = (await send(admin, 'GET', '/api/assets')).body as { items: Array<{ id: string }> };
    expect(back.items.map((i) => i.id)).toEqual([a, b]);
  });

  it("keeps an album's pages in time order through its own index, in both orders and across edits of taken-at", async () => {
    const ids = await manyAssets(7);
    const others = await manyAssets(5);
    const album = (await send(admin, 'POST', '/api/albums', { title: 'Walk' })).body.id as string;
    // Added out of time order, and in two requests: the album's order is the assets' time.
    await send(admin, 'POST', `/api/albums/${album}/assets`, { ids: [ids[4], ids[0], ids[6]] });
    await send(admin, 'POST', `/api/albums/${album}/assets`, { ids: [ids[2], ids[5], ids[1], ids[3]] });
    const pages = async (limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/api/assets?album=${album}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = (await send(admin, 'GET', query)).body as { items: Array<{ id: string }>; nextCursor: string | null };
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    // manyAssets makes each one a minute older than the one before: newest first is the ids' order.
    expect(await pages(3)).toEqual(ids);
    expect(await pages(3)).not.toContain(others[0]);

    // The oldest is dated into the future: it leads the album as it leads the library.
    await send(admin, 'PATCH', '/api/assets', { ids: [ids[6]], changes: { takenAt: '2031-03-01T10:00:00Z' } });
    expect(await pages(2)).toEqual([ids[6], ...ids.slice(0, 6)]);

    await send(admin, 'PATCH', `/api/albums/${album}`, { order: 'asc' });
    expect(await pages(4)).toEqual([...ids.slice(0, 6).reverse(), ids[6]]);
    const stored = (await db.query('SELECT count(*)::int AS n FROM album_assets m JOIN assets a ON a.id = m.asset_id WHERE m.album_id = $1 AND m.sort_at = a.sort_at', [album])) as Array<{ n: number }>;
    expect(stored[0]!.n).toBe(7);
  });

  it('changes nothing when one asset named may not be edited, and answers as for a missing one', async () => {
    const own = await manyAssets(2, 'acc-ann');
    const others = await manyAssets(1, 'acc-bob');
    const refused = await send(contributor, 'PATCH', '/api/assets', {
      ids: [...own, ...others],
      changes: { favorite: true },
    });
    expect(refused).toMatchObject({ status: 404, body: { error: { code: 'ERR_NOT_FOUND' } } });
    expect(await stateOf([...own, ...others])).toMatchObject([{ favorites: 0 }]);
    expect(
      (await send(contributor, 'PATCH', '/api/assets', { ids: own, changes: { favorite: true } })).status,
    ).toBe(200);
  });

  it('refuses hostile or unreadable edits with a stable code', async () => {
    const [id] = await manyAssets(1);
    const cases: Array<[unknown, string]> = [
      [{ ids: [id], changes: {} }, 'ERR_EDIT_INVALID'],
      [{ ids: [id], changes: { takenAt: '2024-06-01T10:00:00' } }, 'ERR_EDIT_INVALID'],
      [{ ids: [id], changes: { timeZone: 'Mars/Olympus' } }, 'ERR_EDIT_INVALID'],
      [{ ids: [id], changes: { addTags: ['   '] } }, 'ERR_EDIT_INVALID'],
      [{ ids: [id], changes: { title: 'a\u0000b' } }, 'ERR_BAD_REQUEST'],
      [{ ids: [id], changes: { favorite: 'yes' } }, 'ERR_BAD_REQUEST'],
      [{ ids: ['not-a-uuid'], changes: { favorite: true } }, 'ERR_BAD_REQUEST'],
      [{ ids: [], changes: { favorite: true } }, 'ERR_BAD_REQUEST'],
      [{ ids: [id], changes: { favorite: true, sneaky: 1 } }, 'ERR_BAD_REQUEST'],
    ];
    for (const [body, code] of cases) {
      const res = await send(admin, 'PATCH', '/api/assets', body);
      expect([res.status, (res.body.error as { code: string }).code], JSON.stringify(body)).toEqual([
        400,
        code,
      ]);
    }
  });
});

describe('the trash', () => {
  async function indexed(): Promise<void> {
    const service = instance.app.get(LibraryIndexService);
    await service.start({ rescan: true, requestedBy: null });
    await service.settled();
  }

  it('restores, empties with tombstones, removes files only in upload paths, and a re-scan brings nothing back', async () => {
    const originals = instance.config.originalsPath;
    await mkdir(originals, { recursive: true });
    await writeJpeg(originals, 'family/kept.jpg', 1);
    await writeJpeg(originals, 'uploads/ann/upload.jpg', 2);
    await writeJpeg(originals, 'family/restored.jpg', 3);
    await indexed();
    // The upload is Ann's, inside her upload path.
    await db.query(`UPDATE assets SET uploaded_by = 'acc-ann' WHERE path = 'uploads/ann/upload.jpg'`);
    const byPath = Object.fromEntries(
      ((await db.query('SELECT id, path FROM assets')) as Array<{ id: string; path: string }>).map((r) => [
        r.path,
        r.id,
      ]),
    );
    const all = Object.values(byPath);
    expect((await send(admin, 'POST', '/api/trash', { ids: all })).body.count).toBe(3);
    const trash = (await send(admin, 'GET', '/api/trash')).body as { items: Array<{ id: string }> };
    expect(trash.items.map((i) => i.id).sort()).toEqual([...all].sort());
    expect(((await send(admin, 'GET', '/api/assets')).body.items as unknown[]).length).toBe(0);

    const restored = byPath['family/restored.jpg']!;
    expect((await send(admin, 'POST', '/api/trash/restore', { ids: [restored] })).body.count).toBe(1);
    const emptied = await send(admin, 'POST', '/api/trash/empty', {});
    expect(emptied.body).toEqual({ count: 2, filesRemoved: 1, remaining: false });
    expect(existsSync(join(originals, 'uploads/ann/upload.jpg'))).toBe(false);
    expect(existsSync(join(originals, 'family/kept.jpg'))).toBe(true);
    expect(await db.query('SELECT count(*)::int AS n FROM tombstones')).toEqual([{ n: 2 }]);

    await indexed();
    const live = (await send(admin, 'GET', '/api/assets')).body as { items: Array<{ id: string }> };
    expect(live.items.map((i) => i.id)).toEqual([restored]);
    expect(await db.query('SELECT count(*)::int AS n FROM assets')).toEqual([{ n: 1 }]);
  });

  it('removes originals anywhere once the library says "delete originals", and only the admin may say so', async () => {
    const originals = instance.config.originalsPath;
    await writeJpeg(originals, 'family/gone.jpg', 4);
    await indexed();
    expect((await send(contributor, 'PUT', '/api/trash/settings', { deleteOriginals: true })).status).toBe(
      403,
    );
    expect((await send(admin, 'PUT', '/api/trash/settings', { deleteOriginals: true })).body).toEqual({
      deleteOriginals: true,
    });
    const [{ id }] = (await db.query(`SELECT id FROM assets WHERE path = 'family/gone.jpg'`)) as Array<{
      id: string;
    }>;
    await send(admin, 'POST', '/api/trash', { ids: [id] });
    expect((await send(admin, 'POST', '/api/trash/empty', { ids: [id] })).body).toMatchObject({
      filesRemoved: 1,
    });
    expect(existsSync(join(originals, 'family/gone.jpg'))).toBe(false);
    await send(admin, 'PUT', '/api/trash/settings', { deleteOriginals: false });
  });

  it('lets a contributor trash and empty only its own uploads', async () => {
    const [own] = await manyAssets(1, 'acc-ann');
    const [other] = await manyAssets(1, null);
    expect((await send(contributor, 'POST', '/api/trash', { ids: [other] })).status).toBe(404);
    expect((await send(contributor, 'POST', '/api/trash', { ids: [own] })).body.count).toBe(1);
    await send(admin, 'POST', '/api/trash', { ids: [other] });
    const trash = (await send(contributor, 'GET', '/api/trash')).body as { items: Array<{ id: string }> };
    expect(trash.items.map((i) => i.id)).toEqual([own]);
    expect((await send(contributor, 'POST', '/api/trash/empty', { ids: [other] })).status).toBe(404);
    expect((await send(contributor, 'POST', '/api/trash/empty', {})).body).toMatchObject({ count: 1 });
  });
});
