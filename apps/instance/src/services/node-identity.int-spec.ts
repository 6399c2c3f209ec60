import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '@atrium/testing';
import { InstanceHarness, signedInAt } from '../test/instance.js';
import { PortalHarness } from '../test/portal.js';

let portal: PortalHarness;
const started: InstanceHarness[] = [];

beforeAll(async () => {
  portal = await PortalHarness.start();
  await portal.addUser('ann');
});

afterAll(async () => {
  for (const instance of started) await instance.stop();
  await portal?.stop();
});

async function start(name: string, options: Partial<Parameters<typeof InstanceHarness.start>[0]> = {}) {
  const instance = await InstanceHarness.start({ name, portal, ...options });
  started.push(instance);
  return instance;
}

async function storedCredentials(instance: InstanceHarness) {
  const [row] = await instance.app
    .get(DataSource)
    .query("SELECT value FROM settings WHERE key = 'node.credentials'");
  return row?.value as
    { clientId: string; clientSecret: string; sealed: boolean; issuer: string } | undefined;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('joining the portal with NODE_JOIN_TOKEN', () => {
  it('joins on first boot, keeps the secret sealed, and signs people in', async () => {
    const family = await start('family', { identity: 'join' });
    await portal.grants.grant({ username: 'ann', node: 'family', role: 'user' }, 'cli:test');
    const stored = await waitFor(() => storedCredentials(family));
    expect(stored).toMatchObject({ sealed: true, issuer: portal.url });
    expect(stored.clientSecret).toMatch(/^v1\./);
    const jar = await signedInAt(family, portal, 'ann');
    expect((await family.request(jar, '/api/session')).status).toBe(200);
  });

  it('uses the stored credentials after a restart, the token being spent', async () => {
    const studio = await start('studio', { identity: 'join' });
    await portal.grants.grant({ username: 'ann', node: 'studio', role: 'viewer' }, 'cli:test');
    await waitFor(() => storedCredentials(studio));
    await studio.restart();
    const jar = await signedInAt(studio, portal, 'ann');
    const body = (await (await studio.request(jar, '/api/session')).json()) as { role: string };
    expect(body.role).toBe('viewer');
  });

  it('answers 503 ERR_NOT_JOINED when the portal refused the token', async () => {
    const { joinToken } = await portal.nodes.add({ name: 'club', url: 'http://127.0.0.1:9' }, 'cli:test');
    const res = await fetch(`${portal.url}/api/cluster/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: joinToken }),
    });
    expect(res.status).toBe(200);
    const club = await start('club', { identity: 'none', env: { NODE_JOIN_TOKEN: joinToken } });
    const login = await new CookieJar().fetch(`${club.url}/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('ERR_NOT_JOINED');
    expect(await storedCredentials(club)).toBeUndefined();
  });

  it('answers 503 ERR_NOT_JOINED with no credentials and no token', async () => {
    const lone = await start('lone', { identity: 'none' });
    const login = await fetch(`${lone.url}/auth/login`, { redirect: 'manual' });
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('ERR_NOT_JOINED');
  });
});
