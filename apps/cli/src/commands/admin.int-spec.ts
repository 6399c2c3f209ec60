import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPortalConfig, migrate } from '@atrium/portal';
import { verifyLogoutToken } from '@atrium/auth';
import { createTestDatabase, freePort, type TestDatabase } from '@atrium/testing';
import { LogoutReceiver, PortalHarness, signedIn } from '@atrium/portal/testing';
import { runCli } from '../cli.js';
import { commands } from './index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = `${ROOT}apps/cli/bin/atrium.js`;

let db: TestDatabase;
const env = {
  DATABASE_URL: '',
  ATRIUM_SECRET_KEY: randomBytes(32).toString('base64'),
  PUBLIC_URL: 'http://127.0.0.1:8080',
};
const saved = { ...process.env };

beforeAll(async () => {
  db = await createTestDatabase('cli');
  env.DATABASE_URL = db.url;
  await migrate(loadPortalConfig({ ...env }));
  Object.assign(process.env, env);
});

afterAll(async () => {
  process.env = saved;
  await db?.drop();
});

/** Runs `atrium …` in this process; returns the exit code and what it printed. */
async function atrium(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    const code = await runCli(commands, argv, {
      log: (s: string) => out.push(s),
      error: (s: string) => err.push(s),
    } as unknown as Console);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
  }
}

const json = async (...argv: string[]) => {
  const result = await atrium(...argv, '--json');
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out);
};

describe('atrium users', () => {
  it('adds, lists, shows, changes and removes accounts', async () => {
    expect(
      (
        await atrium(
          'users',
          'add',
          '-n',
          'Ann Example',
          '-m',
          'ann@example.org',
          '-r',
          'viewer',
          '-g',
          'family',
          '--webdav',
          'Ann',
        )
      ).code,
    ).toBe(0);
    const [ann] = await json('users', 'ls', 'ann');
    expect(ann).toMatchObject({
      username: 'ann',
      name: 'Ann Example',
      email: 'ann@example.org',
      accountRole: 'viewer',
      webdav: true,
      clusterAdmin: false,
      totp: false,
    });
    expect(ann.passwordHash).toBeUndefined();
    expect(await json('users', 'show', 'ann')).toMatchObject({
      username: 'ann',
      groups: ['family'],
      password: false,
    });
    expect((await atrium('users', 'mod', '--disable', '--add-group', 'club', '-r', 'user', 'ann')).code).toBe(
      0,
    );
    expect(await json('users', 'show', 'ann')).toMatchObject({
      disabled: true,
      accountRole: 'user',
      groups: ['club', 'family'],
    });
    expect((await atrium('users', 'rm', 'ann')).code).toBe(0);
    expect(await json('users', 'ls')).toEqual([]);
  });

  it('exits 2 on usage errors and 1 on failures', async () => {
    const usage = [
      ['users', 'add'],
      ['users', 'add', 'a', 'b'],
      ['users', 'add', '--colour', 'x', 'bob'],
      ['users', 'add', '-r', 'visitor', 'bob'],
      ['users', 'add', '-r', 'cluster_admin', 'bob'],
      ['users', 'add', '-d', '../etc', 'bob'],
      ['users', 'add', 'Not A Name'],
      ['users', 'mod', '--disable', '--enable', 'bob'],
      ['auth', 'reset'],
      ['cluster', 'keys', 'rotate', '--alg', 'HS256'],
      ['cluster', 'users', 'access', 'grant', '--user', 'bob'],
      ['cluster', 'nodes', 'add', 'x', '--url', 'ftp://x'],
      ['passwd', 'bob', '--password', 'secret'],
    ];
    for (const argv of usage) expect((await atrium(...argv)).code, argv.join(' ')).toBe(2);
    expect((await atrium('users', 'add', 'bob')).code).toBe(0);
    const failures = [
      ['users', 'add', 'bob'],
      ['users', 'show', 'nobody'],
      ['users', 'rm', 'nobody'],
      ['cluster', 'nodes', 'rotate', 'nowhere'],
      ['auth', 'rm', 'nosuch'],
    ];
    for (const argv of failures) {
      const result = await atrium(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.err).toMatch(/^atrium: /);
    }
  });
});

describe('atrium cluster', () => {
  it('registers a node with a join token, grants, explains and revokes access', async () => {
    const added = await json('cluster', 'nodes', 'add', 'family', '--url', 'http://127.0.0.1:8081');
    expect(added.joinToken.length).toBeGreaterThanOrEqual(43);
    const [node] = await json('cluster', 'nodes', 'ls');
    expect(node).toMatchObject({ name: 'family', role: 'instance', joined: false, alg: 'EdDSA' });
    await atrium('users', 'add', '-g', 'photographers', 'carl');
    expect(
      (
        await atrium(
          'cluster',
          'nodes',
          'allow-group',
          'family',
          'photographers',
          '--role',
          'contributor',
          '--upload-path',
          'in/{username}',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await atrium(
          'cluster',
          'users',
          'access',
          'grant',
          '--user',
          'carl',
          '--node',
          'family',
          '--role',
          'manager',
        )
      ).code,
    ).toBe(0);
    expect(await json('cluster', 'users', 'access', 'ls', '--node', 'family')).toMatchObject([
      { username: 'carl', node: 'family', role: 'manager' },
    ]);
    const explained = await atrium('cluster', 'access', 'explain', '--user', 'carl', '--node', 'family');
    expect(explained.out).toMatch(/allowed as manager via the grant/);
    expect(explained.out).toMatch(/"photographers" → contributor/);
    expect(
      (await atrium('cluster', 'users', 'access', 'revoke', '--user', 'carl', '--node', 'family')).code,
    ).toBe(0);
    expect((await atrium('cluster', 'access', 'explain', '--user', 'carl', '--node', 'family')).out).toMatch(
      /allowed as contributor via group "photographers"; base path: none; upload path: in\/carl/,
    );
    expect(
      (await json('cluster', 'access', 'explain', '--user', 'carl', '--node', 'family')).decision,
    ).toMatchObject({ allowed: true, role: 'contributor' });
    expect((await atrium('cluster', 'nodes', 'deny-group', 'family', 'photographers')).code).toBe(0);
    expect((await atrium('cluster', 'access', 'explain', '--user', 'carl', '--node', 'family')).out).toMatch(
      /denied \(no_grant_or_group\)/,
    );
    const rotated = await json('cluster', 'nodes', 'rotate', 'family', '--grace', '1h');
    expect(rotated).toMatchObject({ clientId: node.clientId, issuer: 'http://127.0.0.1:8080' });
    expect((await atrium('cluster', 'nodes', 'rm', 'family')).code).toBe(0);
  });

  it('lists, rotates and revokes signing keys', async () => {
    const { openPortalAdmin } = await import('@atrium/portal');
    const portal = await openPortalAdmin({ databaseUrl: env.DATABASE_URL, secretKey: env.ATRIUM_SECRET_KEY });
    await portal.keys.ensureKeys();
    await portal.close();
    const before = await json('cluster', 'keys', 'ls');
    expect(before.map((k: { status: string }) => k.status)).toEqual(['active', 'active']);
    const rotated = await json('cluster', 'keys', 'rotate', '--alg', 'EdDSA');
    expect(rotated).toMatchObject([{ alg: 'EdDSA', status: 'next' }]);
    const revoked = await atrium(
      'cluster',
      'keys',
      'revoke',
      // A kid is a base64url thumbprint: one in 64 starts with "-", which only goes after "--".
      '--',
      before.find((k: { alg: string }) => k.alg === 'EdDSA').kid,
    );
    expect(revoked.out, `exit ${revoked.code}: ${revoked.err}`).toMatch(new RegExp(`; ${rotated[0].kid} signs from now on`));
    const statuses = Object.fromEntries(
      (await json('cluster', 'keys', 'ls')).map((k: { kid: string; status: string }) => [k.kid, k.status]),
    );
    expect(statuses[rotated[0].kid]).toBe('active');
  });

  it('records every admin action with who did it', async () => {
    const entries = await json('audit', 'admin');
    const actions = entries.map((e: { action: string }) => e.action);
    for (const action of [
      'users.add',
      'users.mod',
      'users.rm',
      'nodes.add',
      'access.grant',
      'access.revoke',
      'access.allow_group',
      'access.deny_group',
      'nodes.rotate',
      'nodes.rm',
      'keys.rotate',
      'keys.revoke',
    ]) {
      expect(actions).toContain(action);
    }
    expect(entries.every((e: { actor: string }) => e.actor.startsWith('cli:'))).toBe(true);
    expect(
      (await json('audit', 'admin', 'keys.')).every((e: { action: string }) => e.action.startsWith('keys.')),
    ).toBe(true);
    expect(await json('audit', 'logins')).toEqual([]);
  });
});

describe('a change made from the CLI', () => {
  it('reaches a running portal’s instances as a back-channel logout, through the outbox', async () => {
    const portal = await PortalHarness.start({ runtime: { outbox: { pollMs: 3_600_000, timeoutMs: 2000 } } });
    const receiver = new LogoutReceiver(await freePort());
    await receiver.start();
    const own = { DATABASE_URL: process.env.DATABASE_URL, ATRIUM_SECRET_KEY: process.env.ATRIUM_SECRET_KEY };
    try {
      const family = await portal.addNode('family', { url: receiver.url });
      const ann = await portal.addUser('ann');
      Object.assign(process.env, {
        DATABASE_URL: portal.db.url,
        ATRIUM_SECRET_KEY: portal.config.secretKey.toString('base64'),
      });
      expect(
        (await atrium('cluster', 'users', 'access', 'grant', '--user', 'ann', '--node', 'family')).code,
      ).toBe(0);
      await signedIn(portal, 'ann');
      expect(await json('auth', 'ls', 'ann')).toMatchObject([{ username: 'ann', stage: 'full' }]);
      expect(
        (await atrium('cluster', 'users', 'access', 'revoke', '--user', 'ann', '--node', 'family')).code,
      ).toBe(0);
      expect(await portal.outbox.deliverDue()).toBe(1);
      const jwks = (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as never;
      const claims = await verifyLogoutToken(receiver.tokens[0]!, jwks, {
        issuer: portal.url,
        audience: family.clientId,
        algorithms: ['EdDSA'],
      });
      expect(claims.sub).toBe(ann.id);
      const [session] = await json('auth', 'ls');
      expect((await atrium('auth', 'rm', session.ref)).code).toBe(0);
      expect(await json('auth', 'ls')).toEqual([]);
    } finally {
      Object.assign(process.env, own);
      await receiver.stop();
      await portal.stop();
    }
  });
});

describe('atrium users invite and app passwords', () => {
  it('invites an address, printing the link when SMTP_URL is not set and queueing a mail when it is', async () => {
    const printed = await atrium('users', 'invite', 'new@example.org', '-r', 'viewer', '--expires', '2d');
    expect(printed.code, printed.err).toBe(0);
    expect(printed.out).toMatch(/SMTP_URL is not set/);
    expect(printed.out).toMatch(/^http:\/\/127\.0\.0\.1:8080\/invite\/[A-Za-z0-9_-]{43}$/m);
    process.env.SMTP_URL = 'smtp://127.0.0.1:9';
    try {
      const mailed = await json('users', 'invite', 'other@example.org');
      expect(mailed).toMatchObject({ email: 'other@example.org', mailed: true });
      expect(mailed.link).toBeUndefined();
    } finally {
      delete process.env.SMTP_URL;
    }
    // Queued for the portal to send, sealed: the table holds no usable link.
    const { default: pg } = await import('pg');
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query('SELECT recipient, purpose, sealed FROM mail_outbox');
      expect(rows).toEqual([{ recipient: 'other@example.org', purpose: 'invite', sealed: expect.any(String) }]);
      expect(rows[0].sealed).not.toMatch(/invite\/|example\.org/);
    } finally {
      await sql.end();
    }
    const { openPortalAdmin } = await import('@atrium/portal');
    const admin = await openPortalAdmin({ databaseUrl: db.url, secretKey: env.ATRIUM_SECRET_KEY });
    try {
      expect((await admin.invitations.pending()).map((i) => i.email).sort()).toEqual(['new@example.org', 'other@example.org']);
    } finally {
      await admin.close();
    }
    for (const [args, code] of [
      [['users', 'invite', 'not-an-address'], 2],
      [['users', 'invite', 'x@example.org', '--expires', 'soon'], 2],
      [['users', 'invite', 'x@example.org', '-r', 'cluster_admin'], 2],
      [['users', 'invite'], 2],
    ] as const) {
      const result = await atrium(...args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.err).toMatch(/atrium: /);
    }
  });

  it('adds an app password printed once, lists, shows and removes it', async () => {
    expect((await atrium('users', 'add', 'wendy')).code).toBe(0);
    expect((await atrium('cluster', 'nodes', 'add', 'vault', '--url', 'http://127.0.0.1:9')).code).toBe(0);
    const refused = await atrium('auth', 'add', '--user', 'wendy', '--node', 'vault', '--name', 'nas');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/no library "vault" that wendy may open/);
    expect((await atrium('cluster', 'users', 'access', 'grant', '--user', 'wendy', '--node', 'vault')).code).toBe(0);
    const added = await atrium('auth', 'add', '--user', 'wendy', '--node', 'vault', '--name', 'nas', '--expires', '30d');
    expect(added.code, added.err).toBe(0);
    const password = added.out.split('\n').at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await json('auth', 'ls', 'wendy');
    const row = rows.find((r: { type: string }) => r.type === 'app_password');
    expect(row).toMatchObject({ username: 'wendy', node: 'vault', name: 'nas' });
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(await json('auth', 'show', row.id)).toMatchObject({ type: 'app_password', id: row.id, node: 'vault' });
    expect((await atrium('auth', 'rm', row.id)).code).toBe(0);
    expect((await json('auth', 'ls', 'wendy')).filter((r: { type: string }) => r.type === 'app_password')).toEqual([]);
    expect((await atrium('auth', 'rm', row.id)).code).toBe(1);
    for (const args of [
      ['auth', 'add', '--node', 'vault', '--name', 'x'],
      ['auth', 'add', '--user', 'wendy', '--node', 'vault', '--name', 'x', '--expires', 'forever'],
      ['auth', 'add', '--user', 'wendy', '--node', 'vault', '--name', 'x', '--expires', '5000d'],
      ['auth', 'add', '--user', 'wendy', '--node', 'vault', '--name', ' '],
    ])
      expect((await atrium(...args)).code, args.join(' ')).toBe(2);
  });
});

describe('the atrium binary', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [`${ROOT}scripts/build.mjs`, '--no-ui'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
  }, 120_000);

  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      input,
      env: { ...process.env, ...env },
    });

  it('takes passwords on stdin only and exits with the documented codes', async () => {
    const added = run(['users', 'add', '--password-stdin', 'dora'], 'a long enough password\n');
    expect(added.status, added.stderr).toBe(0);
    const { openPortalAdmin } = await import('@atrium/portal');
    const portal = await openPortalAdmin({ databaseUrl: env.DATABASE_URL, secretKey: env.ATRIUM_SECRET_KEY });
    const { verifyPassword } = await import('@atrium/auth');
    expect(
      await verifyPassword('a long enough password', (await portal.accounts.require('dora')).passwordHash!),
    ).toBe(true);
    expect(run(['passwd', 'dora'], 'another good password\n').status).toBe(0);
    expect(
      await verifyPassword('another good password', (await portal.accounts.require('dora')).passwordHash!),
    ).toBe(true);
    await portal.close();
    expect(run(['passwd', 'dora'], 'short\n').status).toBe(2);
    expect(run(['passwd', 'dora'], '').status).toBe(2);
    expect(run(['users', 'show', 'nobody']).status).toBe(1);
    expect(run(['users', 'frobnicate']).status).toBe(2);
  });

  it('asks for a password twice without echo on a terminal', { timeout: 60_000 }, async () => {
    // `script` gives the command a pseudo-terminal, as a person typing would.
    const typed = async (first: string, second: string) => {
      const child = spawn('script', ['-qec', `${process.execPath} ${BIN} passwd dora`, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let screen = '';
      child.stdout.on('data', (c: Buffer) => (screen += c.toString()));
      const until = async (text: string, from = 0) => {
        for (let i = 0; i < 200 && !screen.slice(from).includes(text); i++) await new Promise((r) => setTimeout(r, 100));
      };
      await until('New password');
      child.stdin.write(`${first}\r`);
      await until('Repeat password');
      child.stdin.write(`${second}\r`);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, screen };
    };
    const good = await typed('typed on a terminal 42', 'typed on a terminal 42');
    expect(good.code, good.screen).toBe(0);
    expect(good.screen).toContain('password of dora set');
    expect(good.screen).not.toContain('typed on a terminal 42');
    const { openPortalAdmin } = await import('@atrium/portal');
    const { verifyPassword } = await import('@atrium/auth');
    const portal = await openPortalAdmin({ databaseUrl: env.DATABASE_URL, secretKey: env.ATRIUM_SECRET_KEY });
    expect(await verifyPassword('typed on a terminal 42', (await portal.accounts.require('dora')).passwordHash!)).toBe(true);
    await portal.close();
    const differ = await typed('first one typed here', 'second one typed here');
    expect(differ.code).toBe(1);
    expect(differ.screen).toContain('the passwords differ');
  });
});
