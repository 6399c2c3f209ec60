import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieJar } from '@atrium/testing';
import type { TimelinePageDto } from '../dtos/asset.dto.js';
import { insertAlbum, insertAsset, tagAsset } from '../test/library.js';
import { startLibraryWorld, type LibraryWorld } from '../test/library-world.js';

let world: LibraryWorld;
let db: DataSource;
let admin: CookieJar;
let guest: CookieJar;
let json: LibraryWorld['json'];

beforeAll(async () => {
  world = await startLibraryWorld();
  ({ db, admin, guest, json } = world);
});

afterAll(async () => {
  await world?.stop();
});

async function allPages(jar: CookieJar, query: string, limit: number): Promise<TimelinePageDto['items'][]> {
  const pages: TimelinePageDto['items'][] = [];
  let cursor: string | null = null;
  do {
    const { body }: { body: TimelinePageDto } = await json<TimelinePageDto>(
      jar,
      `/api/assets?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    pages.push(body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return pages;
}

describe('the timeline', () => {
  const ids: string[] = [];

  beforeAll(async () => {
    const base = Date.parse('2024-06-01T00:00:00Z');
    for (let i = 0; i < 230; i++) {
      // Groups of five share one instant: the id breaks the tie, and no page repeats or loses one.
      const sortAt = new Date(base - Math.floor(i / 5) * 3_600_000);
      ids.push(
        await insertAsset(db, {
          path: `${i % 2 ? 'shared' : 'private'}/p${i}.jpg`,
          sortAt,
          takenAt: sortAt,
          mediaType: i % 10 === 0 ? 'video' : 'image',
          favorite: i % 7 === 0,
        }),
      );
    }
  });

  it('reads without parallel workers, on every connection of the pool (INSTANCE_SESSION_SETTINGS)', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => db.query(`SELECT current_setting('max_parallel_workers_per_gather') AS workers, pg_sleep(0.05)`)));
    expect(answers.map((rows) => rows[0].workers)).toEqual(['0', '0', '0']);
  });

  it('pages newest first with a keyset cursor, never repeating or losing an asset', async () => {
    const pages = await allPages(admin, '&folder=shared', 40);
    expect(pages.map((p) => p.length)).toEqual([40, 40, 35]);
    const items = pages.flat();
    expect(new Set(items.map((i) => i.id)).size).toBe(115);
    const keys = items.map((i) => [i.sortAt, i.id] as const);
    expect(keys).toEqual(
      [...keys].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? 1 : -1) : a[0] < b[0] ? 1 : -1)),
    );
  });

  it('filters by type, favorite, date range and text, and shows a guest only its base path', async () => {
    const videos = (await allPages(admin, '&type=video', 500)).flat();
    expect(videos).toHaveLength(23);
    expect(videos.every((v) => v.type === 'video')).toBe(true);
    const favorites = (await allPages(admin, '&favorite=true', 500)).flat();
    expect(favorites).toHaveLength(33);
    const range = (
      await allPages(admin, `&from=2024-05-31T20:00:00.000Z&to=2024-06-01T00:00:00.000Z`, 500)
    ).flat();
    expect(range).toHaveLength(20);
    const text = (await allPages(admin, `&q=p22`, 500))
      .flat()
      .map((i) => i.fileName)
      .sort();
    expect(text).toEqual([
      'p22.jpg',
      'p220.jpg',
      'p221.jpg',
      'p222.jpg',
      'p223.jpg',
      'p224.jpg',
      'p225.jpg',
      'p226.jpg',
      'p227.jpg',
      'p228.jpg',
      'p229.jpg',
    ]);
    expect((await allPages(admin, `&q=${encodeURIComponent('%')}`, 500)).flat()).toHaveLength(0);
    const seenByGuest = (await allPages(guest, '', 500)).flat();
    expect(seenByGuest).toHaveLength(115);
    expect(seenByGuest.every((i) => Number(i.fileName.slice(1, -4)) % 2 === 1)).toBe(true);
  });

  it('filters by album and tag, and answers 404 for an album the viewer may not see', async () => {
    const shown = await insertAlbum(db, {
      title: 'Shown',
      policy: { everyone: false, users: [], groups: ['friends'] },
      assets: ids.slice(0, 6),
    });
    const hidden = await insertAlbum(db, { title: 'Hidden', assets: ids.slice(6, 8) });
    await tagAsset(db, ids[3]!, 'beach');
    await tagAsset(db, ids[4]!, 'beach');
    expect((await allPages(admin, `&album=${shown}`, 500)).flat()).toHaveLength(6);
    expect((await allPages(guest, `&album=${shown}`, 500)).flat()).toHaveLength(6);
    expect(
      (await allPages(admin, `&tag=beach`, 500))
        .flat()
        .map((i) => i.id)
        .sort(),
    ).toEqual([ids[3], ids[4]].sort());
    const refused = await json(guest, `/api/assets?album=${hidden}`);
    const unknown = await json(guest, '/api/assets?album=00000000-0000-4000-8000-000000000000');
    expect(refused).toEqual(unknown);
    expect(refused.status).toBe(404);
    const albums = (await json<Array<{ title: string; assetCount: number }>>(guest, '/api/albums')).body;
    expect(albums.map((a) => [a.title, a.assetCount])).toEqual([['Shown', 6]]);
  });

  it.each([
    ['a cursor that is not one', '?cursor=garbage', 'ERR_CURSOR_INVALID'],
    [
      'a cursor with a forged id',
      `?cursor=${Buffer.from(JSON.stringify({ t: '1', i: "x'; DROP TABLE assets; --" })).toString('base64url')}`,
      'ERR_CURSOR_INVALID',
    ],
    [
      'a cursor with a huge time',
      `?cursor=${Buffer.from(JSON.stringify({ t: '9'.repeat(30), i: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}`,
      'ERR_CURSOR_INVALID',
    ],
    ['a limit of 0', '?limit=0', 'ERR_BAD_REQUEST'],
    ['a limit of 501', '?limit=501', 'ERR_BAD_REQUEST'],
    ['a limit that is not a number', '?limit=ten', 'ERR_BAD_REQUEST'],
    ['an unknown filter', '?owner=me', 'ERR_BAD_REQUEST'],
    ['a folder climbing out', '?folder=../etc', 'ERR_FILTER_INVALID'],
    ['an absolute folder', '?folder=/etc', 'ERR_FILTER_INVALID'],
    ['an album that is not a UUID', '?album=1%20OR%201=1', 'ERR_BAD_REQUEST'],
    ['a date that is not one', '?from=yesterday', 'ERR_BAD_REQUEST'],
    ['an unknown type', '?type=document', 'ERR_BAD_REQUEST'],
    // Valid ISO 8601 that is no instant JavaScript can read: a 400, not a 500 from Postgres.
    ['a week date', '?from=2024-W01', 'ERR_FILTER_INVALID'],
    ['an ordinal date past January', '?to=2024-100', 'ERR_FILTER_INVALID'],
    ['an hour without minutes', '?from=2024-01-01T10', 'ERR_FILTER_INVALID'],
    ['a basic-format date', '?to=20240101', 'ERR_FILTER_INVALID'],
    // Postgres text cannot hold NUL: refused before the query, never a 500.
    ['a NUL in the text search', '?q=a%00b', 'ERR_BAD_REQUEST'],
    ['a NUL in the tag', '?tag=%00', 'ERR_BAD_REQUEST'],
  ])('refuses %s', async (_name, query, code) => {
    const { status, body } = await json(admin, `/api/assets${query}`);
    expect(status).toBe(400);
    expect(body.error?.code).toBe(code);
  });
});
