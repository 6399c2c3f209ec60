import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledAdmin, type AdminClient } from '../test/admin.js';
import { PortalHarness } from '../test/harness.js';

// What the admin API answers to bad input (stable codes, nothing changed) and what it computes:
// the matrix's reasons, paging and filters, the CSV export, the admin's own lockout.

let portal: PortalHarness;
let admin: AdminClient;

beforeAll(async () => {
  portal = await PortalHarness.start();
  await portal.addNode('family');
  await portal.addNode('studio');
  admin = await enrolledAdmin(portal, 'root');
  for (let i = 0; i < 7; i++) await portal.addUser(`user${i}`, { groups: i % 2 ? ['club'] : [] });
  await portal.addUser('mallory', { password: null, name: '=HYPERLINK("http://evil")' });
  await portal.grants.grant({ username: 'user0', node: 'family', role: 'viewer' }, 'cli:test');
  await portal.grants.allowGroup({ node: 'studio', group: 'club', role: 'guest' }, 'cli:test');
});

afterAll(async () => {
  await portal?.stop();
});

const code = (r: { body: { error?: { code: string } } }) => r.body.error?.code;

describe('the admin API', () => {
  it('refuses bad input with stable codes and changes nothing', async () => {
    const before = (await admin.request('GET', '/api/admin/audit/admin?limit=200')).body.items as unknown[];
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/admin/users', { username: 'Bad Name!' }, 400, 'ERR_USERNAME_INVALID'],
      ['POST', '/api/admin/users', { username: 'user1' }, 409, 'ERR_USERNAME_TAKEN'],
      ['POST', '/api/admin/users', { username: 'x1', email: 'nope' }, 400, 'ERR_EMAIL_INVALID'],
      ['POST', '/api/admin/users', { username: 'x2', role: 'cluster_admin' }, 400, 'ERR_ROLE_INVALID'],
      ['POST', '/api/admin/users', { username: 'x3', password: 'short' }, 400, 'ERR_PASSWORD_INVALID'],
      ['POST', '/api/admin/users', { username: 'x4', extra: true }, 400, 'ERR_BAD_REQUEST'],
      [
        'PUT',
        '/api/admin/grants',
        { username: 'user1', node: 'family', role: 'visitor' },
        400,
        'ERR_ROLE_INVALID',
      ],
      [
        'PUT',
        '/api/admin/grants',
        { username: 'user1', node: 'family', basePath: '../etc' },
        400,
        'ERR_PATH_INVALID',
      ],
      [
        'PUT',
        '/api/admin/grants',
        { username: 'user1', node: 'family', uploadPath: '/abs' },
        400,
        'ERR_PATH_INVALID',
      ],
      ['PUT', '/api/admin/grants', { username: 'ghost', node: 'family' }, 404, 'ERR_ACCOUNT_NOT_FOUND'],
      ['PUT', '/api/admin/grants', { username: 'user1', node: 'nowhere' }, 404, 'ERR_NODE_NOT_FOUND'],
      [
        'PUT',
        '/api/admin/mappings',
        { node: 'family', group: 'staff', kind: 'dn', role: 'guest' },
        400,
        'ERR_GROUP_INVALID',
      ],
      ['DELETE', '/api/admin/grants?user=user1&node=family', undefined, 404, 'ERR_GRANT_NOT_FOUND'],
      ['DELETE', '/api/admin/mappings?node=family&group=none', undefined, 404, 'ERR_MAPPING_NOT_FOUND'],
      ['POST', '/api/admin/nodes', { name: 'Bad', url: 'http://127.0.0.1:9' }, 400, 'ERR_NODE_INVALID'],
      [
        'POST',
        '/api/admin/nodes',
        { name: 'rp', url: 'https://rp.example', redirectUris: ['javascript:alert(1)'] },
        400,
        'ERR_NODE_INVALID',
      ],
      ['POST', '/api/admin/nodes', { name: 'family', url: 'http://127.0.0.1:9' }, 409, 'ERR_NODE_EXISTS'],
      ['GET', '/api/admin/users/a%00b', undefined, 400, 'ERR_BAD_REQUEST'],
      ['GET', '/api/admin/matrix?role=visitor', undefined, 400, 'ERR_ROLE_INVALID'],
      ['GET', '/api/admin/matrix?node=nowhere', undefined, 404, 'ERR_NODE_NOT_FOUND'],
      ['GET', '/api/admin/matrix?limit=100000', undefined, 400, 'ERR_BAD_REQUEST'],
      ['GET', '/api/admin/audit/admin?before=1;DROP', undefined, 400, 'ERR_BAD_REQUEST'],
      ['GET', '/api/admin/path-preview?template=a/../../b&username=ann', undefined, 400, 'ERR_PATH_INVALID'],
      ['PATCH', '/api/admin/users/root', { disabled: true }, 409, 'ERR_SELF_LOCKOUT'],
      ['PATCH', '/api/admin/users/root', { clusterAdmin: false }, 409, 'ERR_SELF_LOCKOUT'],
      ['DELETE', '/api/admin/users/root', undefined, 409, 'ERR_SELF_LOCKOUT'],
    ];
    for (const [method, path, body, status, expected] of cases) {
      const r = await admin.request(method, path, body);
      expect
        .soft(`${method} ${path} → ${r.status} ${code(r)}`)
        .toBe(`${method} ${path} → ${status} ${expected}`);
    }
    const after = (await admin.request('GET', '/api/admin/audit/admin?limit=200')).body.items as unknown[];
    expect(after).toEqual(before);
  });

  it('says why each cell of the matrix is what it is, a page at a time', async () => {
    const first = await admin.request('GET', '/api/admin/matrix?limit=3');
    expect(first.body.nodes).toEqual(['family', 'studio']);
    const rows = first.body.rows as {
      username: string;
      cells: { node: string; role: string | null; reason: string; group: string | null }[];
    }[];
    expect(rows.map((r) => r.username)).toEqual(['mallory', 'root', 'user0']);
    expect(first.body.next).toBe('user0');
    const user0 = (await admin.request('GET', '/api/admin/matrix?q=user0')).body.rows as typeof rows;
    expect(user0[0]!.cells).toEqual([
      expect.objectContaining({ node: 'family', role: 'viewer', reason: 'grant', group: null }),
      expect.objectContaining({ node: 'studio', role: null, reason: 'no_grant_or_group' }),
    ]);
    const user1 = (await admin.request('GET', '/api/admin/matrix?q=user1&node=studio')).body
      .rows as typeof rows;
    expect(user1[0]!.cells).toEqual([
      expect.objectContaining({ node: 'studio', role: 'guest', reason: 'group', group: 'club' }),
    ]);
    // Walking the pages visits every account once.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await admin.request(
        'GET',
        `/api/admin/matrix?limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      seen.push(...(page.body.rows as typeof rows).map((r) => r.username));
      after = page.body.next as string | null;
    } while (after);
    const total = (await admin.request('GET', '/api/admin/users?limit=200')).body.total as number;
    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
    const guests = (await admin.request('GET', '/api/admin/matrix?role=guest')).body.rows as typeof rows;
    expect(guests.map((r) => r.username)).toEqual(['user1', 'user3', 'user5']);
    const club = (await admin.request('GET', '/api/admin/matrix?group=club')).body.rows as typeof rows;
    expect(club.map((r) => r.username)).toEqual(['user1', 'user3', 'user5']);
  });

  it('exports the matrix as CSV, one line per user and library, with formulas defused', async () => {
    const r = await admin.request('GET', '/api/admin/matrix/export');
    expect(r.res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (r.body.text as string).trim().split('\r\n');
    expect(lines[0]).toBe('username,name,library,allowed,role,reason,group,base_path,upload_path');
    const total = (await admin.request('GET', '/api/admin/users?limit=200')).body.total as number;
    expect(lines).toHaveLength(1 + total * 2);
    expect(lines).toContain('user0,,family,true,viewer,grant,,,');
    expect(lines).toContain('user1,,studio,true,guest,group,club,,');
    expect(lines).toContain(`mallory,"'=HYPERLINK(""http://evil"")",family,false,,no_grant_or_group,,,`);
    expect(lines.every((l) => !/(^|,)[=+@-]/.test(l))).toBe(true);
    const bad = await admin.request('GET', '/api/admin/matrix/export?role=visitor');
    expect([bad.status, code(bad)]).toEqual([400, 'ERR_ROLE_INVALID']);
  });
});
