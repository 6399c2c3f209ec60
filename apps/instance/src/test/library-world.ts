import type { CookieJar } from '@atrium/testing';
import { DataSource } from 'typeorm';
import { InstanceHarness, signedInAt } from './instance.js';
import { PortalHarness } from './portal.js';

/** An instance behind a real portal, with an admin (Ada) and a guest (Gus, base path `shared`, group `friends`). */
export interface LibraryWorld {
  portal: PortalHarness;
  family: InstanceHarness;
  db: DataSource;
  admin: CookieJar;
  guest: CookieJar;
  get(jar: CookieJar, path: string, headers?: Record<string, string>): Promise<Response>;
  json<T>(jar: CookieJar, path: string): Promise<{ status: number; body: T & { error?: { code: string } } }>;
  stop(): Promise<void>;
}

export async function startLibraryWorld(): Promise<LibraryWorld> {
  const portal = await PortalHarness.start();
  const family = await InstanceHarness.start({ name: 'family', portal });
  await portal.addUser('ada', { groups: ['staff'] });
  await portal.grants.grant({ username: 'ada', node: 'family', role: 'admin' }, 'cli:test');
  await portal.addUser('gus', { groups: ['friends'] });
  await portal.grants.grant(
    { username: 'gus', node: 'family', role: 'guest', basePath: 'shared' },
    'cli:test',
  );
  const [admin, guest] = await Promise.all([
    signedInAt(family, portal, 'ada'),
    signedInAt(family, portal, 'gus'),
  ]);
  const get = (jar: CookieJar, path: string, headers: Record<string, string> = {}) =>
    family.request(jar, path, { headers });
  return {
    portal,
    family,
    db: family.app.get(DataSource),
    admin,
    guest,
    get,
    async json<T>(jar: CookieJar, path: string) {
      const res = await get(jar, path);
      return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
    },
    async stop() {
      await family.stop();
      await portal.stop();
    },
  };
}
