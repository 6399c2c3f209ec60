import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessError } from './errors.js';
import { startPostgres } from './postgres.js';
import { makeTempDir, sweepStaleTempDirs, type TempDir } from './processes.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./__fixtures__/orphan.mjs', import.meta.url));

interface Orphan {
  child: ChildProcess;
  redisPort: number;
  redisDir: string;
  postgresUrl: string;
}

function startOrphan(dataDir: string): Promise<Orphan> {
  const child = spawn(process.execPath, [fixture, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line !== undefined) resolve({ child, ...(JSON.parse(line) as Omit<Orphan, 'child'>) });
    });
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before it was ready: ${out}`)));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function rows(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('cleanup of services left by a test process', () => {
  let scratch: TempDir;
  beforeAll(() => {
    // The fixture runs outside vitest, on the compiled harness (incremental: only what changed).
    const build = spawnSync(
      process.execPath,
      [join(root, 'scripts/build.mjs'), '--project', 'libs/testing', '--no-ui'],
      {
        encoding: 'utf8',
      },
    );
    expect(build.status, build.stderr).toBe(0);
    scratch = makeTempDir('cleanup-spec');
  });
  afterAll(() => scratch.remove());

  it('SIGKILL: Redis dies with its parent, the sweep removes its folder, Postgres is taken over', async () => {
    const dataDir = join(scratch.path, 'killed');
    const orphan = await startOrphan(dataDir);
    orphan.child.kill('SIGKILL');
    await new Promise((resolve) => orphan.child.once('exit', resolve));

    expect(await eventually(async () => !(await accepts(orphan.redisPort)))).toBe(true);
    expect(await rows(orphan.postgresUrl, 'SELECT 1')).toHaveLength(1);

    const postgres = await startPostgres({ dataDir });
    try {
      expect(await rows(postgres.url, 'SELECT note FROM kept')).toEqual([{ note: 'from the killed run' }]);
      const oldPort = Number(new URL(orphan.postgresUrl).port);
      expect(oldPort === Number(new URL(postgres.url).port) || !(await accepts(oldPort))).toBe(true);
    } finally {
      await postgres.stop();
    }
    expect(existsSync(orphan.redisDir)).toBe(true);
    sweepStaleTempDirs();
    expect(existsSync(orphan.redisDir)).toBe(false);
  });

  it('SIGTERM: the harness stops its children and removes its folders before exiting', async () => {
    const orphan = await startOrphan(join(scratch.path, 'terminated'));
    orphan.child.kill('SIGTERM');
    await new Promise((resolve) => orphan.child.once('exit', resolve));

    expect(await accepts(orphan.redisPort)).toBe(false);
    expect(existsSync(orphan.redisDir)).toBe(false);
    const postgresPort = Number(new URL(orphan.postgresUrl).port);
    expect(await eventually(async () => !(await accepts(postgresPort)))).toBe(true);
  });

  it('refuses a data dir that a live harness process still serves', async () => {
    const dataDir = join(scratch.path, 'shared');
    const first = await startPostgres({ dataDir });
    try {
      const error = await startPostgres({ dataDir }).catch((caught: unknown) => caught);
      expect((error as HarnessError).code).toBe('ERR_POSTGRES_DATA_DIR_IN_USE');
      expect(await rows(first.url, 'SELECT 1')).toHaveLength(1);
    } finally {
      await first.stop();
    }
    const again = await startPostgres({ dataDir });
    await again.stop();
  });
});
