import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalHarness, type NodeCreds } from '../test/harness.js';

let portal: PortalHarness;

beforeAll(async () => {
  portal = await PortalHarness.start();
});

afterAll(async () => {
  await portal?.stop();
});

const join = (token: unknown) =>
  fetch(`${portal.url}/api/cluster/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

interface ErrorBody {
  error: { code: string };
}

interface DirectoryBody {
  users: { sub: string; username: string; name: string }[];
  groups: { name: string }[];
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function nodeApi(path: string, creds: { clientId: string; clientSecret: string } | undefined, body?: object) {
  return fetch(`${portal.url}/api/cluster/${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      'content-type': 'application/json',
      ...(creds ? { authorization: basic(creds.clientId, creds.clientSecret) } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

describe('join tokens', () => {
  it('carry at least 128 bits, are stored hashed and redeem once for credentials', async () => {
    const { joinToken, node } = await portal.nodes.add(
      { name: 'alpha', url: 'http://127.0.0.1:9101' },
      'cli:test',
    );
    expect(Buffer.from(joinToken, 'base64url').length).toBeGreaterThanOrEqual(16);
    const stored: { token_digest: string }[] = await portal.app
      .get((await import('typeorm')).DataSource)
      .query('SELECT token_digest FROM join_tokens WHERE node_id = $1', [node.id]);
    expect(stored[0]!.token_digest).not.toBe(joinToken);
    const first = await join(joinToken);
    expect(first.status).toBe(200);
    const creds = (await first.json()) as Record<string, string>;
    expect(creds).toMatchObject({ clientId: node.clientId, issuer: portal.url });
    expect(Buffer.from(creds.clientSecret!, 'base64url').length).toBeGreaterThanOrEqual(32);
    const again = await join(joinToken);
    expect(again.status).toBe(400);
    expect(((await again.json()) as ErrorBody).error.code).toBe('ERR_JOIN_TOKEN_INVALID');
  });

  it('answer expired, used and unknown tokens alike', async () => {
    const { joinToken } = await portal.nodes.add({ name: 'beta', url: 'http://127.0.0.1:9102' }, 'cli:test');
    portal.clock.advance(24 * 3_600_000 + 1000);
    const expired = await join(joinToken);
    portal.clock.advance(-(24 * 3_600_000 + 1000));
    const unknown = await join(randomBytes(32).toString('base64url'));
    for (const res of [expired, unknown]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: { code: 'ERR_JOIN_TOKEN_INVALID', message: 'join token is invalid, used or expired' },
      });
    }
    expect((await join(42)).status).toBe(400);
  });

  it('let exactly one of two racing redemptions win', async () => {
    const { joinToken } = await portal.nodes.add({ name: 'gamma', url: 'http://127.0.0.1:9103' }, 'cli:test');
    const results = await Promise.all(Array.from({ length: 4 }, () => join(joinToken)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
  });

  it('are throttled per address after repeated failures', async () => {
    const throttled = await PortalHarness.start();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${throttled.url}/api/cluster/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: `wrong-${i}` }),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await throttled.stop();
    }
  });
});

describe('the node API', () => {
  let family: NodeCreds;

  beforeAll(async () => {
    family = await portal.addNode('family');
    await portal.addUser('ann', { name: 'Ann' });
    await portal.addUser('bob', { name: 'Bob', groups: ['club'] });
    await portal.addUser('carl', { name: 'Carl' });
    await portal.grants.grant({ username: 'ann', node: 'family', role: 'user' }, 'cli:test');
    await portal.grants.allowGroup({ node: 'family', group: 'club', role: 'guest' }, 'cli:test');
  });

  it('needs the node’s credentials', async () => {
    for (const creds of [
      undefined,
      { clientId: family.clientId, clientSecret: 'wrong' },
      { clientId: 'nobody', clientSecret: family.clientSecret },
    ]) {
      const res = await nodeApi('app-passwords/verify', creds, { username: 'ann', password: 'x' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(((await res.json()) as ErrorBody).error.code).toBe('ERR_NODE_AUTH');
    }
  });

  it('answers app-password checks with active: false for what is not an app password of this node', async () => {
    const res = await nodeApi('app-passwords/verify', family, {
      username: 'ann',
      password: 'an app password',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ active: false });
    expect((await nodeApi('app-passwords/verify', family, { username: 'ann' })).status).toBe(400);
  });

  it('lists the people and groups with access to this node only', async () => {
    const all = (await (await nodeApi('directory', family)).json()) as DirectoryBody;
    expect(all.users.map((u) => u.username)).toEqual(['ann', 'bob']);
    expect(all.users[0]).toEqual({
      sub: (await portal.accounts.require('ann')).id,
      username: 'ann',
      name: 'Ann',
    });
    expect(all.groups).toEqual([{ name: 'club' }]);
    const filtered = (await (await nodeApi('directory?q=bo&limit=5', family)).json()) as DirectoryBody;
    expect(filtered.users.map((u) => u.username)).toEqual(['bob']);
    for (const bad of ['limit=0', 'limit=101', 'limit=ten', 'other=1'])
      expect((await nodeApi(`directory?${bad}`, family)).status).toBe(400);
  });

  it('answers NUL bytes in credentials or the search with a 4xx, never a server error', async () => {
    const nul = await nodeApi('directory', {
      clientId: `${family.clientId}\u0000`,
      clientSecret: family.clientSecret,
    });
    expect(nul.status).toBe(401);
    expect(((await nul.json()) as ErrorBody).error.code).toBe('ERR_NODE_AUTH');
    for (const q of ['%00', 'a%00b']) {
      const res = await nodeApi(`directory?q=${q}`, family);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('ERR_BAD_REQUEST');
    }
    const verify = await nodeApi('app-passwords/verify', family, { username: 'a\u0000', password: 'x' });
    expect(verify.status).toBe(400);
  });

  it('keeps the old secret working for the grace period after a rotation', async () => {
    const rotated = await portal.nodes.rotate('family', 'cli:test', 60_000);
    expect(rotated.clientSecret).not.toBe(family.clientSecret);
    expect((await nodeApi('directory', family)).status).toBe(200);
    expect((await nodeApi('directory', rotated)).status).toBe(200);
    portal.clock.advance(61_000);
    expect((await nodeApi('directory', family)).status).toBe(401);
    expect((await nodeApi('directory', rotated)).status).toBe(200);
    family = { ...family, clientSecret: rotated.clientSecret };
  });

  it('refuses a removed node', async () => {
    await portal.nodes.remove('family', 'cli:test');
    expect((await nodeApi('directory', family)).status).toBe(401);
  });
});

describe('ATRIUM_NODES', () => {
  it('registers nodes with credentials supplied up front', async () => {
    const clientSecret = randomBytes(32).toString('base64url');
    const configured = await PortalHarness.start({
      env: {
        ATRIUM_NODES: JSON.stringify([
          { name: 'helm', url: 'http://127.0.0.1:9200', clientId: 'helm-client', clientSecret },
        ]),
      },
    });
    try {
      const res = await fetch(`${configured.url}/api/cluster/directory`, {
        headers: { authorization: basic('helm-client', clientSecret) },
      });
      expect(res.status).toBe(200);
      expect((await configured.nodes.show('helm')).node).toMatchObject({
        url: 'http://127.0.0.1:9200',
        redirectUris: ['http://127.0.0.1:9200/auth/callback'],
      });
    } finally {
      await configured.stop();
    }
  });
});

describe('the OpenAPI document', () => {
  it('is served at /api/docs with every portal route, the answers typed and the issuer left to discovery', async () => {
    const docs = await fetch(`${portal.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    const spec = (await (await fetch(`${portal.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/session',
        '/api/auth/password',
        '/api/auth/totp',
        '/api/auth/logout',
        '/api/setup/{token}',
        '/api/instances',
        '/api/cluster/join',
        '/api/cluster/app-passwords/verify',
        '/api/cluster/directory',
        '/api/account',
        '/api/account/app-passwords',
        '/api/password-reset/{token}',
        '/api/auth/methods',
      ]),
    );
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/oidc'))).toEqual([]);
    // Every JSON route names its answer's schema, and every route carries a tag.
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.tags?.length, `${method} ${path} has a tag`).toBeGreaterThan(0);
        if (path.startsWith('/api/')) {
          const typed = Object.values(operation.responses).some((r) => r.content !== undefined);
          expect(typed, `${method} ${path} documents its answer`).toBe(true);
        }
      }
    }
    expect(spec.components.schemas.PasswordStepDto?.properties).toHaveProperty('username');
    expect(spec.components.schemas.DirectoryDto?.properties).toHaveProperty('users');
    expect(Object.keys(spec.components.securitySchemes)).toEqual(expect.arrayContaining(['cookie', 'node']));
  });
});
