import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '@atrium/testing';
import { AdminClient, enrolledAdmin, passwordOnly } from '../test/admin.js';
import { PortalHarness } from '../test/harness.js';

// Every admin route × every kind of caller. A route added under /api/admin without a row here
// fails the coverage check below.

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as the OpenAPI document names it. */
  route: string;
  url: string;
  body?: unknown;
}

const ROUTES: RouteCase[] = [
  { method: 'GET', route: '/api/admin/me', url: '/api/admin/me' },
  { method: 'GET', route: '/api/admin/users', url: '/api/admin/users?q=a' },
  {
    method: 'POST',
    route: '/api/admin/users',
    url: '/api/admin/users',
    body: { username: 'made-by-route-test' },
  },
  {
    method: 'POST',
    route: '/api/admin/users/invitations',
    url: '/api/admin/users/invitations',
    body: { email: 'new@example.org' },
  },
  { method: 'GET', route: '/api/admin/users/{username}', url: '/api/admin/users/target' },
  {
    method: 'PATCH',
    route: '/api/admin/users/{username}',
    url: '/api/admin/users/target',
    body: { name: 'T' },
  },
  { method: 'DELETE', route: '/api/admin/users/{username}', url: '/api/admin/users/doomed' },
  {
    method: 'DELETE',
    route: '/api/admin/users/{username}/sessions',
    url: '/api/admin/users/target/sessions',
  },
  { method: 'GET', route: '/api/admin/nodes', url: '/api/admin/nodes' },
  {
    method: 'POST',
    route: '/api/admin/nodes',
    url: '/api/admin/nodes',
    body: { name: 'route-node', url: 'http://127.0.0.1:9' },
  },
  { method: 'POST', route: '/api/admin/nodes/{name}/join-token', url: '/api/admin/nodes/family/join-token' },
  { method: 'POST', route: '/api/admin/nodes/{name}/rotate', url: '/api/admin/nodes/family/rotate' },
  { method: 'DELETE', route: '/api/admin/nodes/{name}', url: '/api/admin/nodes/spare' },
  { method: 'GET', route: '/api/admin/keys', url: '/api/admin/keys' },
  { method: 'POST', route: '/api/admin/keys/rotate', url: '/api/admin/keys/rotate' },
  { method: 'POST', route: '/api/admin/keys/{kid}/revoke', url: '/api/admin/keys/no-such-kid/revoke' },
  { method: 'GET', route: '/api/admin/grants', url: '/api/admin/grants?node=family' },
  {
    method: 'PUT',
    route: '/api/admin/grants',
    url: '/api/admin/grants',
    body: { username: 'target', node: 'family', role: 'viewer' },
  },
  { method: 'DELETE', route: '/api/admin/grants', url: '/api/admin/grants?user=target&node=family' },
  { method: 'GET', route: '/api/admin/mappings', url: '/api/admin/mappings?node=family' },
  {
    method: 'PUT',
    route: '/api/admin/mappings',
    url: '/api/admin/mappings',
    body: { node: 'family', group: 'club', role: 'guest' },
  },
  { method: 'DELETE', route: '/api/admin/mappings', url: '/api/admin/mappings?node=family&group=club' },
  { method: 'GET', route: '/api/admin/matrix', url: '/api/admin/matrix?limit=5' },
  { method: 'GET', route: '/api/admin/matrix/export', url: '/api/admin/matrix/export' },
  { method: 'GET', route: '/api/admin/explain', url: '/api/admin/explain?user=target&node=family' },
  {
    method: 'GET',
    route: '/api/admin/path-preview',
    url: '/api/admin/path-preview?template=people/%7Busername%7D&username=target',
  },
  { method: 'GET', route: '/api/admin/directory', url: '/api/admin/directory?q=t' },
  { method: 'GET', route: '/api/admin/sessions', url: '/api/admin/sessions' },
  { method: 'DELETE', route: '/api/admin/sessions/{ref}', url: '/api/admin/sessions/no-such-ref' },
  { method: 'GET', route: '/api/admin/audit/admin', url: '/api/admin/audit/admin?q=users' },
  { method: 'GET', route: '/api/admin/audit/sign-ins', url: '/api/admin/audit/sign-ins' },
];

const changes = (r: RouteCase) => r.method !== 'GET';

let portal: PortalHarness;
let admin: AdminClient;
const callers: Record<string, AdminClient> = {};

beforeAll(async () => {
  portal = await PortalHarness.start();
  await portal.addNode('family');
  await portal.addNode('spare');
  await portal.addUser('target');
  await portal.addUser('doomed');
  admin = await enrolledAdmin(portal, 'root');
  await portal.addUser('plain');
  callers.plain = await passwordOnly(portal, 'plain');
  // An admin created by the CLI signs in, but stops at the TOTP enrolment step.
  await portal.addUser('pending-admin', { clusterAdmin: true });
  callers.pendingTotp = await passwordOnly(portal, 'pending-admin');
  // A plain user made cluster_admin while signed in: a full session, but never a second factor.
  await portal.addUser('promoted');
  callers.noTotp = await passwordOnly(portal, 'promoted');
  await portal.accounts.modify('promoted', { clusterAdmin: true }, 'cli:test');
  callers.disabled = await enrolledAdmin(portal, 'gone');
  await portal.accounts.modify('gone', { disabled: true }, 'cli:test');
  callers.anonymous = new AdminClient(portal, new CookieJar(), undefined);
});

afterAll(async () => {
  await portal?.stop();
});

describe('the admin API × every caller', () => {
  it('documents every route, and this test covers each', async () => {
    const spec = (await (await fetch(`${portal.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/admin'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const tested = ROUTES.map((r) => `${r.method} ${r.route}`);
    expect(documented.filter((r) => !tested.includes(r))).toEqual([]);
    expect(tested.filter((r) => !documented.includes(r))).toEqual([]);
  });

  const refusals: [string, number, string][] = [
    ['anonymous', 401, 'ERR_SESSION_REQUIRED'],
    ['plain', 403, 'ERR_ADMIN_REQUIRED'],
    ['pendingTotp', 403, 'ERR_SESSION_STAGE'],
    ['noTotp', 403, 'ERR_ADMIN_TOTP_REQUIRED'],
    ['disabled', 401, 'ERR_SESSION_REQUIRED'],
  ];
  for (const [who, status, code] of refusals) {
    it(`refuses ${who} on every route with ${status} ${code}, changing nothing`, async () => {
      const before = (
        await portal.app
          .get((await import('typeorm')).DataSource)
          .query('SELECT count(*)::int AS n FROM admin_audit')
      )[0].n;
      const answers: string[] = [];
      for (const route of ROUTES) {
        const { status: got, body } = await callers[who]!.request(route.method, route.url, route.body);
        answers.push(`${route.method} ${route.url} → ${got} ${body.error?.code}`);
        expect
          .soft(`${route.method} ${route.url} → ${got} ${body.error?.code}`)
          .toBe(`${route.method} ${route.url} → ${status} ${code}`);
      }
      const after = (
        await portal.app
          .get((await import('typeorm')).DataSource)
          .query('SELECT count(*)::int AS n FROM admin_audit')
      )[0].n;
      expect(after).toBe(before);
      expect(answers).toHaveLength(ROUTES.length);
    });
  }

  it('refuses a change without the CSRF token, or from another origin, and reads without one', async () => {
    for (const route of ROUTES) {
      const bare = await admin.request(route.method, route.url, route.body, { csrf: false });
      if (changes(route))
        expect
          .soft(`${route.method} ${route.url} ${bare.status} ${bare.body.error?.code}`)
          .toBe(`${route.method} ${route.url} 403 ERR_CSRF`);
      else
        expect.soft(`${route.method} ${route.url} ${bare.status}`).toBe(`${route.method} ${route.url} 200`);
      if (!changes(route)) continue;
      const foreign = await admin.request(route.method, route.url, route.body, {
        origin: 'http://evil.example',
      });
      expect
        .soft(`${route.url} ${foreign.status} ${foreign.body.error?.code}`)
        .toBe(`${route.url} 403 ERR_CSRF`);
    }
  });

  it('lets a cluster admin signed in with TOTP through every route', async () => {
    for (const route of ROUTES) {
      const { status, body } = await admin.request(route.method, route.url, route.body);
      const missing = route.url.includes('no-such');
      expect
        .soft(`${route.method} ${route.url} ${status} ${body.error?.code ?? ''}`.trim())
        .toBe(
          missing
            ? `${route.method} ${route.url} 404 ${route.url.includes('kid') ? 'ERR_KEY_NOT_FOUND' : 'ERR_SESSION_NOT_FOUND'}`
            : `${route.method} ${route.url} ${status < 300 ? status : 'ok'}`,
        );
    }
  });
});
