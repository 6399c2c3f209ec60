import type { Jwk } from '@atrium/auth';
import type { CookieJar } from '@atrium/testing';
import { InstanceHarness } from './instance.js';
import { PortalHarness } from './portal.js';

/** Two instances signed in through one real portal, and Ann, who may open both. */
export interface AuthWorld {
  portal: PortalHarness;
  family: InstanceHarness;
  studio: InstanceHarness;
  ann: { id: string };
  stop(): Promise<void>;
}

export async function startAuthWorld(): Promise<AuthWorld> {
  // Deliveries from the outbox are driven by the tests, one step at a time.
  const portal = await PortalHarness.start({ runtime: { outbox: { pollMs: 3_600_000, timeoutMs: 5_000 } } });
  const family = await InstanceHarness.start({ name: 'family', portal });
  const studio = await InstanceHarness.start({ name: 'studio', portal });
  const ann = await portal.addUser('ann', {
    name: 'Ann Example',
    email: 'ann@example.org',
    groups: ['family', 'friends'],
    role: 'viewer',
    webdav: true,
  });
  await portal.grants.grant(
    {
      username: 'ann',
      node: 'family',
      role: 'contributor',
      basePath: 'people/{username}',
      uploadPath: 'uploads/{username}',
    },
    'cli:test',
  );
  await portal.grants.grant({ username: 'ann', node: 'studio', role: 'user' }, 'cli:test');
  return {
    portal,
    family,
    studio,
    ann,
    async stop() {
      await family.stop();
      await studio.stop();
      await portal.stop();
    },
  };
}

/** What the API answers: a session, or `{ error: { code } }`. */
export type Body = Record<string, unknown> & { error: { code: string }; role?: string; csrfToken?: string };

export async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as Body).error.code;
}

export async function session(instance: InstanceHarness, jar: CookieJar) {
  const res = await instance.request(jar, '/api/session');
  return { status: res.status, body: (await res.json()) as Body };
}

/** The portal's EdDSA signing key, to make tokens only the portal could make. */
export async function activeKey(portal: PortalHarness): Promise<Jwk> {
  return (await portal.keys.signingState()).active.EdDSA as Jwk;
}

export async function postLogoutToken(instance: InstanceHarness, token: string | undefined) {
  const body = token === undefined ? new URLSearchParams() : new URLSearchParams({ logout_token: token });
  const res = await fetch(`${instance.url}/auth/backchannel-logout`, { method: 'POST', body });
  return {
    status: res.status,
    body: res.status === 200 ? null : ((await res.json()) as Record<string, unknown>),
  };
}
