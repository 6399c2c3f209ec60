import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CookieJar } from '@atrium/testing';
import type { AccessPolicy } from '@atrium/policy';
import { ShareService } from '../services/share.service.js';
import { InstanceHarness, sendJson } from '../test/instance.js';
import { clearLibrary, insertAlbum, insertAsset } from '../test/library.js';
import { sessionJar } from '../test/sessions.js';

// Album and photo policies (rule 6) as a table, share links and their visitors (rule 7), the
// password throttle, links kept by signed-in guests, and comments.
let instance: InstanceHarness;
let db: DataSource;
let admin: CookieJar;

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
  instance.clock.offsetMs = 0;
});

const send = (jar: CookieJar, method: string, path: string, body?: unknown) => sendJson(instance, jar, method, path, body);

const visible = async (jar: CookieJar, path = '/api/assets?limit=500') =>
  ((await send(jar, 'GET', path)).body.items as Array<{ id: string }>).map((i) => i.id).sort();

const P = (p: Partial<AccessPolicy>): AccessPolicy => ({ everyone: false, users: [], groups: [], ...p });

interface PolicyCase {
  name: string;
  albums: Array<AccessPolicy | null>;
  own: AccessPolicy | null | undefined;
  guest: { id: string; groups: string[] };
  sees: boolean;
}

const ANN = { id: 'acc-ann', groups: ['family'] };
const CASES: PolicyCase[] = [
  {
    name: 'no album, no policy: nobody beyond the whole-library roles',
    albums: [],
    own: undefined,
    guest: ANN,
    sees: false,
  },
  {
    name: 'inherits an album shared with everyone',
    albums: [P({ everyone: true })],
    own: undefined,
    guest: ANN,
    sees: true,
  },
  {
    name: 'inherits an album naming the user',
    albums: [P({ users: ['acc-ann'] })],
    own: undefined,
    guest: ANN,
    sees: true,
  },
  {
    name: 'inherits an album naming a group of the token',
    albums: [P({ groups: ['family'] })],
    own: undefined,
    guest: ANN,
    sees: true,
  },
  {
    name: 'a group the token does not carry',
    albums: [P({ groups: ['staff'] })],
    own: undefined,
    guest: ANN,
    sees: false,
  },
  {
    name: 'groups compare exactly (case kept)',
    albums: [P({ groups: ['Family'] })],
    own: undefined,
    guest: ANN,
    sees: false,
  },
  { name: 'an album without policy', albums: [null], own: undefined, guest: ANN, sees: false },
  {
    name: 'several albums: the union',
    albums: [null, P({ groups: ['staff'] }), P({ users: ['acc-ann'] })],
    own: undefined,
    guest: ANN,
    sees: true,
  },
  {
    name: 'override narrows: own policy hides what the album shares',
    albums: [P({ everyone: true })],
    own: P({ users: ['acc-bob'] }),
    guest: ANN,
    sees: false,
  },
  {
    name: 'override widens: own policy shares what no album does',
    albums: [null],
    own: P({ groups: ['family'] }),
    guest: ANN,
    sees: true,
  },
  {
    name: 'override widens without any album',
    albums: [],
    own: P({ everyone: true }),
    guest: ANN,
    sees: true,
  },
  {
    name: 'override naming nobody hides it from every album',
    albums: [P({ everyone: true }), P({ groups: ['family'] })],
    own: P({}),
    guest: ANN,
    sees: false,
  },
  {
    name: 'the same guest without the group',
    albums: [P({ groups: ['family'] })],
    own: undefined,
    guest: { id: 'acc-ann', groups: [] },
    sees: false,
  },
];

describe('album and photo policies (rule 6), set through the API, as a guest sees them', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const asset = await insertAsset(db, { path: 'elsewhere/photo.jpg' });
    for (const policy of c.albums) {
      const album = (await send(admin, 'POST', '/api/albums', { title: 'Album' })).body.id as string;
      expect((await send(admin, 'POST', `/api/albums/${album}/assets`, { ids: [asset] })).body).toEqual({
        count: 1,
      });
      expect((await send(admin, 'PUT', `/api/albums/${album}/policy`, { policy })).status).toBe(200);
    }
    if (c.own !== undefined)
      expect((await send(admin, 'PUT', '/api/policies/assets', { ids: [asset], policy: c.own })).status).toBe(
        200,
      );
    const guest = await sessionJar(instance, {
      id: c.guest.id,
      role: 'guest',
      groups: c.guest.groups,
      basePath: 'family',
    });
    expect(await visible(guest)).toEqual(c.sees ? [asset] : []);
    expect((await send(guest, 'GET', `/api/assets/${asset}`)).status).toBe(c.sees ? 200 : 404);
  });

  it('shows a guest and a contributor exactly their base path, what policies share, and a contributor its uploads', async () => {
    const inBase = await insertAsset(db, { path: 'family/a.jpg' });
    const sibling = await insertAsset(db, { path: 'familyx/b.jpg' });
    const privateInBase = await insertAsset(db, { path: 'family/c.jpg', private: true });
    const archivedShared = await insertAsset(db, {
      path: 'studio/d.jpg',
      archived: true,
      policy: P({ everyone: true }),
    });
    const shared = await insertAsset(db, { path: 'studio/e.jpg', policy: P({ groups: ['family'] }) });
    const ownUpload = await insertAsset(db, {
      path: 'uploads/ann/f.jpg',
      uploadedBy: 'acc-ann',
      private: true,
    });
    await insertAlbum(db, { policy: P({ users: ['acc-ann'] }), assets: [sibling] });
    const guest = await sessionJar(instance, {
      id: 'acc-ann',
      role: 'guest',
      groups: ['family'],
      basePath: 'family',
    });
    const contributor = await sessionJar(instance, {
      id: 'acc-ann',
      role: 'contributor',
      groups: ['family'],
      basePath: 'family',
      uploadPath: 'uploads/ann',
    });
    expect(await visible(guest)).toEqual([inBase, sibling, shared].sort());
    expect(await visible(contributor)).toEqual([inBase, sibling, shared, ownUpload].sort());
    expect(await visible(admin)).toHaveLength(6);
    void privateInBase;
    void archivedShared;
  });
});

describe('share links and visitors (rule 7)', () => {
  async function albumWithEverything() {
    const shown = await insertAsset(db, { path: 'family/shown.jpg' });
    const hidden = [
      await insertAsset(db, { path: 'family/private.jpg', private: true }),
      await insertAsset(db, { path: 'family/archived.jpg', archived: true }),
      await insertAsset(db, { path: 'family/own-policy.jpg', policy: P({ everyone: true }) }),
    ];
    const outside = await insertAsset(db, { path: 'family/outside.jpg' });
    const album = await insertAlbum(db, { title: 'Holidays', assets: [shown, ...hidden] });
    return { shown, hidden, outside, album };
  }

  const linkPath = (url: unknown) => `/api/share/${new URL(url as string).pathname.split('/').pop()}`;

  it('shows a visitor exactly the album’s shareable photos, nothing else, and nothing after revocation', async () => {
    const { shown, hidden, outside, album } = await albumWithEverything();
    const created = await send(admin, 'POST', '/api/share-links', { albumId: album });
    expect(created.status).toBe(201);
    const token = new URL(created.body.url as string).pathname.split('/').pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const api = linkPath(created.body.url);
    const visitor = new CookieJar();
    expect((await send(visitor, 'GET', api)).body).toMatchObject({
      kind: 'album',
      title: 'Holidays',
      allowDownload: false,
    });
    expect(await visible(visitor, `${api}/assets`)).toEqual([shown]);
    for (const id of [...hidden, outside]) {
      expect((await send(visitor, 'GET', `${api}/assets/${id}`)).status).toBe(404);
      expect((await send(visitor, 'GET', `${api}/assets/${id}/thumbnail`)).status).toBe(404);
    }
    const detail = (await send(visitor, 'GET', `${api}/assets/${shown}`)).body;
    expect(detail).toMatchObject({ path: 'shown.jpg', folder: '', canDownload: false });
    expect((await send(visitor, 'GET', `${api}/assets/${shown}/original`)).status).toBe(404);
    // Nothing of the library outside the link, with or without the link's token.
    expect((await send(visitor, 'GET', '/api/assets')).status).toBe(401);
    expect((await send(visitor, 'GET', '/api/albums')).status).toBe(401);

    const listing = (await send(admin, 'GET', '/api/share-links')).body as unknown as Array<
      Record<string, unknown>
    >;
    expect(listing).toEqual([
      expect.objectContaining({
        targetName: 'Holidays',
        createdBy: 'acc-admin',
        openCount: 1,
        status: 'active',
      }),
    ]);
    expect((await send(admin, 'POST', `/api/share-links/${created.body.id}/revoke`)).body).toMatchObject({
      status: 'revoked',
    });
    const gone = await send(visitor, 'GET', `${api}/assets`);
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_UNAVAILABLE' } } });
  });

  it('answers unknown, expired and revoked links alike', async () => {
    const { album } = await albumWithEverything();
    const expiring = await send(admin, 'POST', '/api/share-links', {
      albumId: album,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const revoked = await send(admin, 'POST', '/api/share-links', { albumId: album });
    await send(admin, 'POST', `/api/share-links/${revoked.body.id}/revoke`);
    const visitor = new CookieJar();
    expect((await send(visitor, 'GET', linkPath(expiring.body.url))).status).toBe(200);
    instance.clock.advance(61_000);
    const answers = [];
    for (const api of [
      linkPath(expiring.body.url),
      linkPath(revoked.body.url),
      `/api/share/${'A'.repeat(43)}`,
      '/api/share/short',
    ])
      answers.push(await send(visitor, 'GET', `${api}/assets`));
    for (const a of answers)
      expect({ status: a.status, body: a.body }).toEqual({
        status: answers[0]!.status,
        body: answers[0]!.body,
      });
    expect(answers[0]).toMatchObject({ status: 404, body: { error: { code: 'ERR_LINK_UNAVAILABLE' } } });
    expect((await send(admin, 'GET', '/api/share-links')).body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'expired' }),
        expect.objectContaining({ status: 'revoked' }),
      ]),
    );
  });

  it('asks for a password, throttles wrong ones per link, and lets the right one in after the pause', async () => {
    const { shown, album } = await albumWithEverything();
    const created = await send(admin, 'POST', '/api/share-links', {
      albumId: album,
      password: 'open sesame',
    });
    const api = linkPath(created.body.url);
    const visitor = new CookieJar();
    expect((await send(visitor, 'GET', `${api}/assets`)).body).toMatchObject({
      error: { code: 'ERR_LINK_PASSWORD' },
    });
    for (let i = 0; i < 5; i++)
      expect((await send(visitor, 'POST', `${api}/unlock`, { password: `guess ${i}` })).status).toBe(401);
    const blocked = await send(visitor, 'POST', `${api}/unlock`, { password: 'open sesame' });
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'ERR_LINK_THROTTLED' } } });
    expect((await send(visitor, 'GET', `${api}/assets`)).status).toBe(401);
    instance.clock.advance(16 * 60_000);
    expect((await send(visitor, 'POST', `${api}/unlock`, { password: 'open sesame' })).status).toBe(204);
    expect(await visible(visitor, `${api}/assets`)).toEqual([shown]);
    // The unlock belongs to this browser: another one is asked again.
    expect((await send(new CookieJar(), 'GET', `${api}/assets`)).status).toBe(401);
    // An unlock lasts 12 hours, then it is asked again and the maintenance forgets it.
    instance.clock.advance(12 * 3600_000 + 1000);
    expect((await send(visitor, 'GET', `${api}/assets`)).status).toBe(401);
    await instance.app.get(ShareService).purgeUnlocks();
    expect(await db.query('SELECT count(*)::int AS n FROM share_link_unlocks')).toEqual([{ n: 0 }]);
  });

  it('lets a signed-in guest who opened a link keep what it names, until it is revoked', async () => {
    const { shown, hidden, album } = await albumWithEverything();
    // The photo with its own policy (everyone) is the guest's through that policy, link or not.
    const byPolicy = hidden[2]!;
    const created = await send(admin, 'POST', '/api/share-links', { albumId: album });
    const guest = await sessionJar(instance, { id: 'acc-gus', role: 'guest', basePath: 'nowhere' });
    expect(await visible(guest)).toEqual([byPolicy]);
    expect((await send(guest, 'GET', `/api/albums/${album}`)).status).toBe(404);
    expect((await send(guest, 'GET', linkPath(created.body.url))).status).toBe(200);
    expect(await visible(guest)).toEqual([shown, byPolicy].sort());
    expect((await send(guest, 'GET', `/api/albums/${album}`)).status).toBe(200);
    await send(admin, 'POST', `/api/share-links/${created.body.id}/revoke`);
    expect(await visible(guest)).toEqual([byPolicy]);
  });

  it('plays a video as it is only for links that allow downloads', async () => {
    const video = await insertAsset(db, { path: 'family/clip.mp4', mediaType: 'video' });
    await db.query(`UPDATE assets SET playback = 'original' WHERE id = $1`, [video]);
    const file = join(instance.config.originalsPath, 'family/clip.mp4');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'not really a video');
    const forbid = await send(admin, 'POST', '/api/share-links', { assetId: video });
    const allow = await send(admin, 'POST', '/api/share-links', { assetId: video, allowDownload: true });
    const visitor = new CookieJar();
    expect((await send(visitor, 'GET', `${linkPath(forbid.body.url)}/assets/${video}/video`)).status).toBe(
      404,
    );
    expect((await send(visitor, 'GET', `${linkPath(forbid.body.url)}/assets/${video}/original`)).status).toBe(
      404,
    );
    expect((await send(visitor, 'GET', `${linkPath(allow.body.url)}/assets/${video}/video`)).status).toBe(
      200,
    );
    expect((await send(visitor, 'GET', `${linkPath(allow.body.url)}/assets/${video}/original`)).status).toBe(
      200,
    );
  });

  it('refuses links to what the maker cannot see, in the past, or naming two things', async () => {
    const asset = await insertAsset(db, { path: 'family/x.jpg' });
    const album = await insertAlbum(db, {});
    const viewer = await sessionJar(instance, { id: 'acc-vic', role: 'viewer' });
    expect((await send(viewer, 'POST', '/api/share-links', { assetId: asset })).status).toBe(403);
    const bad: Array<[unknown, number, string]> = [
      [{ assetId: asset, albumId: album }, 400, 'ERR_LINK_INVALID'],
      [{}, 400, 'ERR_LINK_INVALID'],
      [{ assetId: asset, expiresAt: '2001-01-01T00:00:00Z' }, 400, 'ERR_LINK_INVALID'],
      [{ assetId: '00000000-0000-4000-8000-000000000000' }, 404, 'ERR_NOT_FOUND'],
      [{ assetId: asset, password: 'abc' }, 400, 'ERR_BAD_REQUEST'],
    ];
    for (const [body, status, code] of bad)
      expect(await send(admin, 'POST', '/api/share-links', body), JSON.stringify(body)).toMatchObject({
        status,
        body: { error: { code } },
      });
  });
});

describe('comments', () => {
  it('lets contributors and users write, authors edit and delete theirs, managers delete any', async () => {
    const asset = await insertAsset(db, { path: 'family/a.jpg' });
    const contributor = await sessionJar(instance, {
      id: 'acc-con',
      role: 'contributor',
      basePath: 'family',
    });
    const guest = await sessionJar(instance, { id: 'acc-gus', role: 'guest', basePath: 'family' });
    const user = await sessionJar(instance, { id: 'acc-use', role: 'user' });
    const manager = await sessionJar(instance, { id: 'acc-man', role: 'manager' });
    const written = await send(contributor, 'POST', '/api/comments', {
      assetId: asset,
      body: '  Lovely light  ',
    });
    expect(written).toMatchObject({
      status: 201,
      body: { body: 'Lovely light', mine: true, canDelete: true },
    });
    expect((await send(guest, 'POST', '/api/comments', { assetId: asset, body: 'hi' })).status).toBe(403);
    const listed = (await send(guest, 'GET', `/api/comments?asset=${asset}`)).body as unknown as Array<
      Record<string, unknown>
    >;
    expect(listed).toEqual([
      expect.objectContaining({ body: 'Lovely light', mine: false, canDelete: false }),
    ]);
    const id = written.body.id as string;
    expect((await send(user, 'PATCH', `/api/comments/${id}`, { body: 'mine now' })).status).toBe(403);
    expect((await send(user, 'DELETE', `/api/comments/${id}`)).status).toBe(403);
    expect((await send(contributor, 'PATCH', `/api/comments/${id}`, { body: 'Lovely' })).body).toMatchObject({
      body: 'Lovely',
      editedAt: expect.any(String),
    });
    expect((await send(contributor, 'POST', '/api/comments', { assetId: asset, body: '   ' })).status).toBe(
      400,
    );
    expect((await send(manager, 'DELETE', `/api/comments/${id}`)).status).toBe(204);
    expect((await send(guest, 'GET', `/api/comments?asset=${asset}`)).body).toEqual([]);
  });
});
