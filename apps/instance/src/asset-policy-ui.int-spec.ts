import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRole } from '@atrium/policy';
import { launchBrowser } from '@atrium/testing';
import { sessionSecret } from './test/sessions.js';
import { buildInstanceUi, SCREENSHOTS } from './test/ui.js';
import { InstanceHarness } from './test/instance.js';
import { PortalHarness } from './test/portal.js';

// One photo's own policy in the lightbox, in Chromium, with people and groups picked from the
// real portal's directory: it inherits what its albums give until an editor gives it its own,
// which narrows or widens who sees it (docs/architecture.md rule 6). Results are read back
// through the API as the people concerned; screenshots under e2e/screenshots/.

let portal: PortalHarness;
let instance: InstanceHarness;
let browser: Browser;
const secrets: Record<string, string> = {};
let ids: string[] = [];
let gus: { id: string };

function secretFor(
  id: string,
  role: InstanceRole,
  name: string,
  groups: string[] = [],
): Promise<string> {
  return sessionSecret(instance, { id, role, name, groups });
}

async function as(who: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  await context.addCookies([{ name: instance.cookieName, value: secrets[who]!, url: instance.url }]);
  return context;
}

/** What `who` gets for the photo through the API. */
async function sees(who: string, id: string): Promise<number> {
  const context = await as(who);
  try {
    return (await context.request.get(`${instance.url}/api/assets/${id}`, { timeout: 15_000 })).status();
  } finally {
    await context.close();
  }
}

async function lightbox(context: BrowserContext, id: string): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${instance.url}/`);
  await p.click(`#timeline [data-asset="${id}"]`);
  await p.waitForSelector('#lightbox aside');
  return p;
}

beforeAll(async () => {
  buildInstanceUi();
  portal = await PortalHarness.start();
  instance = await InstanceHarness.start({ name: 'family', portal, ui: true });
  gus = await portal.addUser('gus', { name: 'Gus Guest' });
  await portal.grants.grant({ username: 'gus', node: 'family', role: 'guest' }, 'cli:test');
  await portal.grants.allowGroup({ group: 'cousins', node: 'family', role: 'guest' }, 'cli:test');
  const db = instance.app.get(DataSource);
  ids = (
    (await db.query(
      `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, taken_at, sort_at,
         width, height, created_at, updated_at)
       SELECT gen_random_uuid(), 'family/' || i || '.jpg', 'family', 'IMG_' || lpad(i::text, 4, '0') || '.jpg', 1000, t,
         md5(i::text) || md5(i::text), 'image', 'image/jpeg', t, t, 4000, 3000, now(), now()
       FROM generate_series(1, 3) i, LATERAL (SELECT '2026-08-01T10:00:00Z'::timestamptz - i * interval '1 day' AS t) x
       ORDER BY i RETURNING id::text`,
    )) as Array<{ id: string }>
  ).map((r) => r.id);
  secrets.ada = await secretFor('acc-ada', 'admin', 'Ada Lovelace');
  secrets.gus = await secretFor(gus.id, 'guest', 'Gus Guest');
  secrets.gia = await secretFor('acc-gia', 'guest', 'Gia Cousin', ['cousins']);
  secrets.vera = await secretFor('acc-vera', 'viewer', 'Vera Viewer');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
  await portal?.stop();
});

describe("a photo's own policy in the lightbox", () => {
  it('inherits from its albums until an editor gives it its own, narrowing or widening who sees it', async () => {
    const ada = await as('ada');
    const headers = { origin: instance.url };
    // An album every signed-in person sees holds the first two photos.
    const album = await (
      await ada.request.post(`${instance.url}/api/albums`, { headers, data: { title: 'Open house' } })
    ).json();
    await ada.request.post(`${instance.url}/api/albums/${album.id}/assets`, {
      headers,
      data: { ids: ids.slice(0, 2) },
    });
    await ada.request.put(`${instance.url}/api/albums/${album.id}/policy`, {
      headers,
      data: { policy: { everyone: true, users: [], groups: [] } },
    });
    const [inAlbum, loose] = [ids[0]!, ids[2]!];
    expect([await sees('gus', inAlbum), await sees('gia', inAlbum), await sees('gus', loose)]).toEqual([
      200, 200, 404,
    ]);
    const policyOf = async (id: string) =>
      (await (await ada.request.get(`${instance.url}/api/policies/assets/${id}`)).json()).policy;

    // Narrowing: the album photo gets its own policy naming only Gus, picked from the directory.
    const p = await lightbox(ada, inAlbum);
    await p.click('#asset-policy');
    await p.waitForSelector('#asset-policy-editor input[value=inherit]:checked');
    await p.check('#asset-policy-editor input[value=own]');
    await p.fill('#asset-policy-editor input[placeholder="Find people and groups"]', 'gus');
    await p.check('#asset-policy-editor label:has-text("Gus Guest") input');
    await p.click('#asset-policy-editor .save');
    await p.waitForSelector('#asset-policy-editor [role=status]:has-text("Saved.")');
    expect(await policyOf(inAlbum)).toEqual({ everyone: false, users: [gus.id], groups: [] });
    expect(await p.textContent('#asset-policy-editor')).toContain('People: Gus Guest');
    expect([await sees('gus', inAlbum), await sees('gia', inAlbum), await sees('gus', ids[1]!)]).toEqual([
      200, 404, 200,
    ]);

    // The group from the portal's directory widens it again to Gia.
    await p.fill('#asset-policy-editor input[placeholder="Find people and groups"]', 'cous');
    await p.check('#asset-policy-editor label:has-text("cousins") input');
    await p.click('#asset-policy-editor .save');
    await expect
      .poll(() => policyOf(inAlbum))
      .toEqual({ everyone: false, users: [gus.id], groups: ['cousins'] });
    expect(await sees('gia', inAlbum)).toBe(200);
    await p.screenshot({ path: join(SCREENSHOTS, 'asset-policy.png') });

    // Reopened, the editor shows what is stored; "as its albums say" puts it back.
    await p.reload();
    await p.click(`#timeline [data-asset="${inAlbum}"]`);
    await p.click('#asset-policy');
    await p.waitForSelector('#asset-policy-editor input[value=own]:checked');
    expect(await p.textContent('#asset-policy-editor')).toContain('cousins');
    await p.check('#asset-policy-editor input[value=inherit]');
    await p.click('#asset-policy-editor .save');
    await p.waitForSelector('#asset-policy-editor [role=status]:has-text("Saved.")');
    expect(await policyOf(inAlbum)).toBeNull();
    expect([await sees('gus', inAlbum), await sees('gia', inAlbum)]).toEqual([200, 200]);

    // Widening a photo in no album: its own policy for everyone signed in lets the guests in.
    const q = await lightbox(ada, loose);
    await q.click('#asset-policy');
    await q.check('#asset-policy-editor input[value=own]');
    await q.check('#asset-policy-editor label:has-text("Everyone signed in") input');
    await q.click('#asset-policy-editor .save');
    await q.waitForSelector('#asset-policy-editor [role=status]:has-text("Saved.")');
    expect(await policyOf(loose)).toEqual({ everyone: true, users: [], groups: [] });
    expect([await sees('gus', loose), await sees('gia', loose)]).toEqual([200, 200]);

    // An own policy naming nobody: only the roles that see the whole library.
    await q.uncheck('#asset-policy-editor label:has-text("Everyone signed in") input');
    await q.click('#asset-policy-editor .save');
    await expect.poll(() => policyOf(loose)).toEqual({ everyone: false, users: [], groups: [] });
    expect([await sees('gus', loose), await sees('gia', loose), await sees('vera', loose)]).toEqual([
      404, 404, 200,
    ]);
    await ada.close();
  }, 120_000);

  it('is not offered to a role that may not edit', async () => {
    const vera = await as('vera');
    const p = await lightbox(vera, ids[1]!);
    await p.waitForSelector('#comments');
    expect(await p.locator('#asset-policy').count()).toBe(0);
    const refused = await vera.request.put(`${instance.url}/api/policies/assets`, {
      headers: { origin: instance.url },
      data: { ids: [ids[1]], policy: null },
    });
    expect(refused.status()).toBe(403);
    await vera.close();
  });

  it('fits a phone', async () => {
    const ada = await as('ada', { width: 390, height: 844 });
    const p = await lightbox(ada, ids[1]!);
    await p.click('#asset-policy');
    await p.waitForSelector('#asset-policy-editor input[value=inherit]:checked');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.screenshot({ path: join(SCREENSHOTS, 'asset-policy-phone.png') });
    await ada.close();
  });
});
