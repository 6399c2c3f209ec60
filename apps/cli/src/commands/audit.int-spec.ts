import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CookieJar } from '@atrium/testing';
import { PortalHarness } from '@atrium/portal/testing';
import { runCli } from '../cli.js';
import { commands } from './index.js';

let portal: PortalHarness;
const saved = { ...process.env };

beforeAll(async () => {
  portal = await PortalHarness.start();
  await portal.addUser('ann');
  Object.assign(process.env, {
    DATABASE_URL: portal.db.url,
    ATRIUM_SECRET_KEY: portal.config.secretKey.toString('base64'),
  });
  for (const [username, password] of [
    ['ann', 'not her password'],
    ['ghost', 'whatever it is'],
  ]) {
    await new CookieJar().fetch(`${portal.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: portal.url, 'user-agent': 'cli-test' },
      body: JSON.stringify({ username, password }),
    });
  }
});

afterAll(async () => {
  process.env = saved;
  await portal?.stop();
});

async function atrium(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await runCli(commands, argv, {
      log: (s: string) => out.push(s),
      error: (s: string) => err.push(s),
    } as unknown as Console);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('atrium audit logins', () => {
  it('shows method, result, reason code, address and user agent, newest first', async () => {
    const table = await atrium('audit', 'logins');
    expect(table.code, table.err).toBe(0);
    const [header, first, second] = table.out.split('\n');
    expect(header).toMatch(/^ID\s+AT\s+METHOD\s+PROVIDER\s+RESULT\s+REASON\s+USERNAME\s+IP\s+USERAGENT$/);
    expect(first).toMatch(/password\s+failure\s+unknown_user\s+ghost\s+\S*127\.0\.0\.1\s+cli-test/);
    expect(second).toMatch(/password\s+failure\s+bad_password\s+ann\s/);
  });

  it('filters and pages as JSON', async () => {
    const json = await atrium('audit', 'logins', '--reason', 'bad_password', '--json');
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject([{ username: 'ann', result: 'failure', method: 'password' }]);
    const page = await atrium('audit', 'logins', '--limit', '1');
    expect(page.out.split('\n')).toHaveLength(2);
    expect(page.err).toMatch(/older entries: --before \d+/);
    const older = await atrium('audit', 'logins', '--before', page.err.match(/--before (\d+)/)![1]!);
    expect(older.out).toMatch(/bad_password\s+ann/);
    const search = await atrium('audit', 'logins', 'ghost', '--json');
    expect(JSON.parse(search.out).map((e: { username: string }) => e.username)).toEqual(['ghost']);
  });

  it('answers a bad filter with a usage error (exit 2)', async () => {
    for (const argv of [
      ['--reason', 'because'],
      ['--result', 'maybe'],
      ['--limit', 'lots'],
      ['--limit', '0'],
      ['--before', 'yesterday'],
    ]) {
      const result = await atrium('audit', 'logins', ...argv);
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });
});
