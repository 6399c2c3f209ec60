import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRole } from '@atrium/policy';
import { launchBrowser } from '@atrium/testing';
import { sessionSecret } from './test/sessions.js';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';

// An album's own page in Chromium: its editors pick the cover from its photos and write its
// description; people comment on it, edit and delete their own, and an admin deletes anyone's.
// Every result is read back through the API; screenshots under e2e/screenshots/.

let instance: InstanceHarness;
let db: DataSource;
let browser: Browser;
const secrets: Record<string, string> = {};
let ids: string[] = [];

function secretFor(id: string, role: InstanceRole, name: string): Promise<string> {
  return sessionSecret(instance, { id, role, name });
}

async function as(who: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: instance.cookieName, value: secrets[who]!, url: instance.url }]);
  return context;
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${instance.url}${path}`);
  return p;
}

const headers = () => ({ origin: instance.url });

beforeAll(async () => {
  buildInstanceUi();
  instance = await InstanceHarness.start({ name: 'family', identity: 'none', ui: true });
  db = instance.app.get(DataSource);
  ids = (
    (await db.query(
      `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, taken_at, sort_at,
         width, height, created_at, updated_at)
       SELECT gen_random_uuid(), 'family/' || i || '.jpg', 'family', 'IMG_' || lpad(i::text, 4, '0') || '.jpg', 1000, t,
         md5(i::text) || md5(i::text), 'image', 'image/jpeg', t, t, 4000, 3000, now(), now()
       FROM generate_series(1, 8) i, LATERAL (SELECT '2026-08-01T10:00:00Z'::timestamptz - i * interval '1 day' AS t) x
       RETURNING id::text`,
    )) as Array<{ id: string }>
  ).map((r) => r.id);
  secrets.ada = await secretFor('acc-ada', 'admin', 'Ada Lovelace');
  secrets.bob = await secretFor('acc-bob', 'user', 'Bob Hopper');
  secrets.vera = await secretFor('acc-vera', 'viewer', 'Vera Viewer');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
});

describe('an album page in a browser', () => {
  let albumId: string;

  it('lets an editor write the description and pick the cover from the album’s photos', async () => {
    const ada = await as('ada');
    const album = await (
      await ada.request.post(`${instance.url}/api/albums`, {
        headers: headers(),
        data: { title: 'Lake Week' },
      })
    ).json();
    albumId = album.id;
    await ada.request.post(`${instance.url}/api/albums/${albumId}/assets`, {
      headers: headers(),
      data: { ids: ids.slice(0, 6) },
    });
    const p = await open(ada, `/albums/${albumId}`);
    await p.waitForSelector('#timeline [data-asset]');
    await p.click('#album-edit-details');
    await p.waitForSelector('#cover-picker [data-cover]');
    // Only the album's own six photos are offered, besides "newest photo".
    const offered = await p.$$eval('#cover-picker [data-cover]', (b) =>
      b.map((x) => x.getAttribute('data-cover')),
    );
    expect(offered.filter(Boolean).sort()).toEqual(ids.slice(0, 6).sort());
    // Until one is chosen, the cover shown is the newest photo.
    expect(await p.getAttribute(`#cover-picker [data-cover="${ids[0]}"]`, 'aria-pressed')).toBe('true');

    await p.fill('#album-description textarea', 'A week by the lake,\nwith the cousins.');
    await p.click('#album-description button[type=submit]');
    await p.waitForFunction(
      () => document.querySelector('#album-details-notice')?.textContent === 'Description saved.',
    );
    expect(await p.textContent('#album-description-text')).toBe('A week by the lake,\nwith the cousins.');

    await p.click(`#cover-picker [data-cover="${ids[3]}"]`);
    await p.waitForSelector(`#cover-picker [data-cover="${ids[3]}"][aria-pressed="true"]`);
    const read = await (await ada.request.get(`${instance.url}/api/albums/${albumId}`)).json();
    expect(read).toMatchObject({ description: 'A week by the lake,\nwith the cousins.', coverId: ids[3] });
    await p.screenshot({ path: join(SCREENSHOTS, 'album-details.png'), fullPage: true });

    // Back to the newest photo; an emptied description is no description.
    await p.click('#cover-picker [data-cover=""]');
    await p.waitForSelector(`#cover-picker [data-cover="${ids[0]}"][aria-pressed="true"]`);
    await p.fill('#album-description textarea', '   ');
    await p.click('#album-description button[type=submit]');
    await p.waitForSelector('#album-description-text', { state: 'detached' });
    expect(await (await ada.request.get(`${instance.url}/api/albums/${albumId}`)).json()).toMatchObject({
      description: null,
      coverId: ids[0],
    });
    // A photo outside the album is refused as its cover, and nothing changes.
    const refused = await ada.request.patch(`${instance.url}/api/albums/${albumId}`, {
      headers: headers(),
      data: { coverId: ids[7] },
    });
    expect(refused.status()).toBe(400);
    expect((await refused.json()).error.code).toBe('ERR_ALBUM_INVALID');
    await ada.request.patch(`${instance.url}/api/albums/${albumId}`, {
      headers: headers(),
      data: { description: 'A week by the lake, with the cousins.' },
    });
    await ada.close();
  });

  it('lets people comment on the album, edit and delete their own, and an admin delete anyone’s', async () => {
    const ada = await as('ada');
    const bob = await as('bob');
    const a = await open(ada, `/albums/${albumId}`);
    await a.waitForSelector('#album-comments');
    expect(await a.textContent('#album-comments')).toContain('No comments yet.');
    await a.fill('#album-comments textarea', 'Who took the one with the boat?');
    await a.click('#album-comments button[type=submit]');
    await a.waitForSelector('#album-comments .comment');

    const b = await open(bob, `/albums/${albumId}`);
    await b.waitForSelector('#album-comments .comment');
    // Bob may neither edit nor delete Ada's comment, and an empty one is not sent.
    expect(await b.locator('#album-comments .comment .edit').count()).toBe(0);
    expect(await b.locator('#album-comments .comment .delete').count()).toBe(0);
    await b.fill('#album-comments textarea', '   ');
    await b.click('#album-comments button[type=submit]');
    await b.fill('#album-comments textarea', 'I did!');
    await b.click('#album-comments button[type=submit]');
    await b.waitForFunction(() => document.querySelectorAll('#album-comments .comment').length === 2);
    b.once('dialog', (d) => void d.accept('I did, from the jetty.'));
    await b.click('#album-comments .comment:last-of-type .edit');
    await b.waitForFunction(() =>
      document.querySelector('#album-comments .comment:last-of-type')?.textContent?.includes('(edited)'),
    );
    const comments = async () =>
      (await (await ada.request.get(`${instance.url}/api/comments?album=${albumId}`)).json()) as Array<{
        id: string;
        authorId: string;
        body: string;
        editedAt: string | null;
        albumId: string | null;
      }>;
    let listed = await comments();
    expect(listed.map((c) => [c.authorId, c.body, c.albumId, c.editedAt !== null])).toEqual([
      ['acc-ada', 'Who took the one with the boat?', albumId, false],
      ['acc-bob', 'I did, from the jetty.', albumId, true],
    ]);
    await b.screenshot({ path: join(SCREENSHOTS, 'album-comments.png'), fullPage: true });

    // Ada, an admin, deletes Bob's comment; Bob, on his stale page, learns it is gone.
    await a.reload();
    await a.waitForFunction(() => document.querySelectorAll('#album-comments .comment').length === 2);
    expect(await a.locator('#album-comments .comment:last-of-type .edit').count()).toBe(0);
    await a.click('#album-comments .comment:last-of-type .delete');
    await a.waitForFunction(() => document.querySelectorAll('#album-comments .comment').length === 1);
    listed = await comments();
    expect(listed.map((c) => c.authorId)).toEqual(['acc-ada']);
    b.once('dialog', (d) => void d.accept('Still here?'));
    await b.click('#album-comments .comment:last-of-type .edit');
    await b.waitForSelector('#album-comments [role=alert]');
    await b.waitForFunction(() => document.querySelectorAll('#album-comments .comment').length === 1);
    expect((await comments()).map((c) => c.body)).toEqual(['Who took the one with the boat?']);
    await ada.close();
    await bob.close();
  });

  it('shows a viewer the album, its description and comments, without editing or commenting', async () => {
    const vera = await as('vera');
    const v = await open(vera, `/albums/${albumId}`);
    await v.waitForSelector('#album-comments .comment');
    expect(await v.textContent('#album-description-text')).toBe('A week by the lake, with the cousins.');
    expect(await v.locator('#album-edit-details').count()).toBe(0);
    expect(await v.locator('#album-comments .comment .delete').count()).toBe(0);
    await vera.close();
  });

  it('fits a phone', async () => {
    const ada = await as('ada', { width: 390, height: 844 });
    const p = await open(ada, `/albums/${albumId}`);
    await p.waitForSelector('#album-comments .comment');
    await p.click('#album-edit-details');
    await p.waitForSelector('#cover-picker [data-cover]');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: join(SCREENSHOTS, 'album-details-phone.png'), fullPage: true });
    await ada.close();
  });
});
