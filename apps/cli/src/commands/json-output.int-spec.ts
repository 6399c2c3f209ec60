import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPortalConfig, migrate } from '@atrium/portal';
import { createTestDatabase, type TestDatabase } from '@atrium/testing';
import { runCli } from '../cli.js';
import { commands } from './index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = `${ROOT}apps/cli/bin/atrium.js`;

let db: TestDatabase;
let instanceDb: TestDatabase;
const env = { DATABASE_URL: '', ATRIUM_SECRET_KEY: randomBytes(32).toString('base64'), PUBLIC_URL: 'http://127.0.0.1:8080' };
const saved = { ...process.env };

beforeAll(async () => {
  db = await createTestDatabase('cli_json');
  instanceDb = await createTestDatabase('cli_json_instance');
  env.DATABASE_URL = db.url;
  await migrate(loadPortalConfig({ ...env }));
  Object.assign(process.env, env);
  const build = spawnSync(process.execPath, [`${ROOT}scripts/build.mjs`, '--no-ui'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  process.env = saved;
  await db?.drop();
  await instanceDb?.drop();
});

interface Result {
  code: number;
  out: string[];
  err: string[];
}

/** `atrium …` in this process, with stdout a terminal or not. */
async function atrium(argv: string[], opts: { tty?: boolean; env?: Record<string, string | undefined> } = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const before = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await runCli(commands, argv, { log: (s: string) => out.push(s), error: (s: string) => err.push(s) }, opts.tty ?? false);
    return { code, out, err };
  } finally {
    process.env = before;
  }
}

/** The real binary, for commands that read stdin. */
function binary(argv: string[], input: string): Result {
  const run = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, ...env } });
  const lines = (s: string) => s.split('\n').filter(Boolean);
  return { code: run.status ?? -1, out: lines(run.stdout), err: lines(run.stderr) };
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const kid = { value: '' };

/**
 * Every command, run with --json: what it prints on success (one JSON line on stdout, nothing
 * else), or the one JSON error line on stderr and its usual exit code. A command without a row
 * fails the last test: add one when you add a command (docs/development.md, "The CLI").
 */
type Row = {
  argv: string[] | (() => string[]);
  code: number;
  /** Checks the parsed stdout (success) or the error (failure). */
  check: (value: unknown) => void;
  stdin?: string;
  env?: Record<string, string | undefined>;
};

const ok = (check: (v: unknown) => void = (v) => expect(isObject(v) || Array.isArray(v)).toBe(true)) => check;
const error = (code: string | RegExp) => (v: unknown) => expect(v).toEqual({ error: { code: expect.stringMatching(code), message: expect.any(String) } });

const table: Row[] = [
  { argv: ['portal', 'migrate'], code: 0, check: ok((v) => expect(v).toEqual({ service: 'portal', applied: [] })) },
  { argv: ['portal', 'serve'], code: 1, env: { PUBLIC_URL: 'not a url' }, check: error('ERR_CONFIG') },
  { argv: ['instance', 'migrate'], code: 0, env: { DATABASE_URL: 'INSTANCE_DB' }, check: ok((v) => expect(v).toMatchObject({ service: 'instance', applied: expect.any(Array) })) },
  { argv: ['instance', 'serve'], code: 1, env: { NODE_NAME: undefined }, check: error('ERR_CONFIG') },
  { argv: ['instance', 'index', '--instance', 'family', '--data', '/nonexistent-atrium'], code: 1, check: error('ERR_FAILED') },
  { argv: ['worker', '--version'], code: 0, check: ok((v) => expect(v).toMatchObject({ ffmpeg: { name: 'ffmpeg', version: expect.stringMatching(/^\d/), source: 'system' }, ffprobe: { name: 'ffprobe' } })) },
  // No ffmpeg on PATH: the old builds shipped in npm are the fallback, and say so.
  { argv: ['worker', '--version'], code: 0, env: { PATH: '/nonexistent' }, check: ok((v) => expect(v).toMatchObject({ ffmpeg: { source: 'bundled', version: expect.stringMatching(/^4\./) }, ffprobe: { source: 'bundled' } })) },
  { argv: ['worker'], code: 1, env: { WORKER_INSTANCES: undefined }, check: error('ERR_CONFIG') },
  { argv: ['start', '--port', '1'], code: 2, check: error('ERR_USAGE') },
  { argv: ['users', 'add', '-n', 'Ann', '-g', 'family', 'ann'], code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'ann', id: expect.any(String) })) },
  { argv: ['users', 'add', '--password-stdin', 'bea'], stdin: 'a long enough password\n', code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'bea' })) },
  { argv: ['users', 'add', '-r', 'visitor', 'cy'], code: 2, check: error(/^ERR_/) },
  { argv: ['users', 'ls'], code: 0, check: ok((v) => expect((v as { username: string }[]).map((a) => a.username)).toEqual(expect.arrayContaining(['ann', 'bea']))) },
  { argv: ['users', 'show', 'ann'], code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'ann', groups: ['family'] })) },
  { argv: ['users', 'show', 'nobody'], code: 1, check: error(/^ERR_/) },
  { argv: ['users', 'mod', '-n', 'Ann B', 'ann'], code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'ann' })) },
  { argv: ['passwd', 'bea'], stdin: 'another good password\n', code: 0, check: ok((v) => expect(v).toEqual({ username: 'bea', password: 'set' })) },
  { argv: ['passwd', 'bea'], stdin: 'short\n', code: 2, check: error(/^ERR_/) },
  { argv: ['cluster', 'nodes', 'add', 'family', '--url', 'http://127.0.0.1:8081'], code: 0, check: ok((v) => expect(v).toMatchObject({ name: 'family', clientId: expect.any(String), joinToken: expect.any(String) })) },
  { argv: ['cluster', 'nodes', 'add', 'studio'], code: 2, check: error('ERR_USAGE') },
  { argv: ['cluster', 'nodes', 'ls'], code: 0, check: ok((v) => expect((v as { name: string }[]).map((n) => n.name)).toEqual(['family'])) },
  { argv: ['cluster', 'nodes', 'show', 'family'], code: 0, check: ok((v) => expect(v).toMatchObject({ name: 'family', joined: false })) },
  { argv: ['cluster', 'nodes', 'rotate', 'family'], code: 0, check: ok((v) => expect(v).toMatchObject({ clientSecret: expect.any(String) })) },
  { argv: ['cluster', 'nodes', 'allow-group', 'family', 'family', '--role', 'viewer'], code: 0, check: ok((v) => expect(v).toEqual({ node: 'family', group: 'family', role: 'viewer' })) },
  { argv: ['cluster', 'nodes', 'deny-group', 'family', 'family'], code: 0, check: ok((v) => expect(v).toEqual({ node: 'family', group: 'family', admitted: false })) },
  { argv: ['cluster', 'users', 'access', 'grant', '--user', 'ann', '--node', 'family', '--role', 'user'], code: 0, check: ok((v) => expect(v).toEqual({ username: 'ann', node: 'family', role: 'user' })) },
  { argv: ['auth', 'add', '--user', 'ann', '--node', 'family', '--name', 'phone'], code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'ann', node: 'family', name: 'phone', password: expect.any(String) })) },
  { argv: ['auth', 'add', '--user', 'ann', '--node', 'family'], code: 2, check: error('ERR_USAGE') },
  { argv: ['users', 'invite', '-n', 'Dee', 'dee@example.org'], code: 0, check: ok((v) => expect(v).toMatchObject({ email: 'dee@example.org', expiresAt: expect.any(String) })) },
  { argv: ['users', 'invite', '--expires', 'soon', 'eve@example.org'], code: 2, check: error('ERR_USAGE') },
  { argv: ['cluster', 'users', 'access', 'ls'], code: 0, check: ok((v) => expect(v).toMatchObject([{ username: 'ann', node: 'family', role: 'user' }])) },
  { argv: ['cluster', 'access', 'explain', '--user', 'ann', '--node', 'family'], code: 0, check: ok((v) => expect(v).toMatchObject({ username: 'ann', node: 'family', lines: expect.any(Array) })) },
  { argv: ['cluster', 'users', 'access', 'revoke', '--user', 'ann', '--node', 'family'], code: 0, check: ok((v) => expect(v).toEqual({ username: 'ann', node: 'family', revoked: true })) },
  { argv: ['cluster', 'users', 'access', 'revoke', '--user', 'ann'], code: 2, check: error('ERR_USAGE') },
  {
    argv: ['cluster', 'keys', 'rotate'],
    code: 0,
    check: ok((v) => {
      expect((v as { kid: string }[]).length).toBeGreaterThan(0);
      kid.value = (v as { kid: string }[])[0]!.kid;
    }),
  },
  { argv: ['cluster', 'keys', 'ls'], code: 0, check: ok((v) => expect((v as { kid: string }[]).map((k) => k.kid)).toContain(kid.value)) },
  { argv: () => ['cluster', 'keys', 'revoke', '--', kid.value], code: 0, check: ok((v) => expect(v).toMatchObject({ kid: kid.value, replacement: expect.any(String) })) },
  { argv: ['cluster', 'keys', 'revoke', 'no-such-kid'], code: 1, check: error(/^ERR_/) },
  { argv: ['auth', 'ls'], code: 0, check: ok((v) => expect(v).toMatchObject([{ type: 'app_password', username: 'ann' }])) },
  { argv: ['auth', 'show', 'nope'], code: 1, check: error(/^ERR_/) },
  { argv: ['auth', 'rm', 'nope'], code: 1, check: error(/^ERR_/) },
  { argv: ['auth', 'reset', '--yes'], code: 0, check: ok((v) => expect(v).toEqual({ ended: 0 })) },
  { argv: ['auth', 'reset'], code: 2, check: error('ERR_USAGE') },
  { argv: ['audit', 'admin'], code: 0, check: ok((v) => expect((v as { action: string }[]).length).toBeGreaterThan(3)) },
  { argv: ['audit', 'logins'], code: 0, check: ok((v) => expect(Array.isArray(v)).toBe(true)) },
  { argv: ['cluster', 'nodes', 'rm', 'family'], code: 0, check: ok((v) => expect(v).toEqual({ node: 'family', removed: true })) },
  { argv: ['users', 'rm', 'ann'], code: 0, check: ok((v) => expect(v).toEqual({ username: 'ann', deleted: true })) },
];

const argvOf = (row: Row) => (typeof row.argv === 'function' ? row.argv() : row.argv);

describe('--json on every command', () => {
  it.each(table.map((row, i) => [argvOf(row).join(' ') || `row ${i}`, row] as const))('atrium %s --json', async (_name, row) => {
    // Options go before a "--" that ends them.
    const given = argvOf(row);
    const end = given.indexOf('--');
    const argv = end < 0 ? [...given, '--json'] : [...given.slice(0, end), '--json', ...given.slice(end)];
    const rowEnv = Object.fromEntries(Object.entries(row.env ?? {}).map(([k, v]) => [k, v === 'INSTANCE_DB' ? instanceDb.url : v]));
    const result = row.stdin !== undefined ? binary(argv, row.stdin) : await atrium(argv, { env: rowEnv });
    expect(result.code, result.err.join('\n')).toBe(row.code);
    if (row.code === 0) {
      expect(result.out, 'one JSON line on stdout').toHaveLength(1);
      row.check(JSON.parse(result.out[0]!));
    } else {
      expect(result.out).toEqual([]);
      // Node warnings (oidc-provider's about Node 20) may come first; the error is the last line.
      expect(result.err.filter((l) => l.startsWith('{')), 'one JSON line on stderr').toHaveLength(1);
      row.check(JSON.parse(result.err.at(-1)!));
    }
  });

  it('indents JSON when stdout is a terminal, and keeps the exit codes of the text form', async () => {
    const pretty = await atrium(['audit', 'admin', '--json'], { tty: true });
    expect(pretty.out.join('\n')).toMatch(/^\[\n {2}\{\n {4}"/);
    for (const argv of [['users', 'show', 'nobody'], ['bogus', 'command'], ['users', 'ls', '--colour']]) {
      const [text, json] = [await atrium(argv), await atrium([...argv, '--json'])];
      expect(json.code, argv.join(' ')).toBe(text.code);
      expect(text.err.join('\n')).toMatch(/^atrium: /);
      expect(JSON.parse(json.err.at(-1)!)).toMatchObject({ error: { code: expect.stringMatching(/^ERR_/) } });
    }
  });

  it('has a row for every command', () => {
    const covered = new Set(table.map((row) => argvOf(row).join(' ')));
    const missing = commands.map((c) => c.path.join(' ')).filter((path) => ![...covered].some((argv) => argv === path || argv.startsWith(`${path} `)));
    expect(missing).toEqual([]);
  });
});
