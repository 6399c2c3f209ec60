import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId, queuePrefix } from '@atrium/media';
import { createTestDatabase, startRedis, type TestDatabase, type TestRedis } from '@atrium/testing';
import { writeJpeg } from '../../test/originals.js';

// `atrium instance index` as an operator runs it: the compiled CLI as a process of its own.
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const ATRIUM = join(ROOT, 'apps/cli/bin/atrium.js');

let db: TestDatabase;
let redis: TestRedis;
let dataDir: string;

function build(): void {
  for (const project of [
    'libs/server',
    'libs/policy',
    'libs/auth',
    'libs/media',
    'apps/instance',
    'apps/cli',
  ]) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/build.mjs'), '--project', project, '--no-ui'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`build of ${project} failed: ${r.stderr}`);
  }
}

function atrium(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [ATRIUM, ...args], {
    cwd: dataDir,
    encoding: 'utf8',
    env: { ...process.env, HOME: dataDir, NODE_NAME: '', DATABASE_URL: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  build();
  [db, redis, dataDir] = await Promise.all([
    createTestDatabase('cli_index'),
    startRedis(),
    mkdtemp(join(tmpdir(), 'atrium-test-cli-index-')),
  ]);
  const url = new URL(db.url);
  const settings = {
    version: 1,
    secretKey: Buffer.alloc(32, 1).toString('base64'),
    postgres: {
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    },
    portal: { port: 8080, database: 'unused' },
    worker: { port: 8090 },
    instances: [
      { name: 'family', port: 8081, database: db.name, redisPort: Number(new URL(redis.url).port) },
    ],
  };
  await writeFile(join(dataDir, 'cluster.json'), JSON.stringify(settings));
  const originals = join(dataDir, 'instances/family/originals');
  await mkdir(join(dataDir, 'instances/family/cache'), { recursive: true });
  await writeJpeg(originals, 'a/one.jpg', 1);
  await writeJpeg(originals, 'b/two.jpg', 2);
});

afterAll(async () => {
  await db?.drop();
  await redis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('atrium instance index', () => {
  it('indexes an instance that atrium start set up, then finds nothing new', async () => {
    const first = atrium(['instance', 'index', '--instance', 'family', '--data', dataDir, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The compiled command queues metadata and thumbnails for each photo.
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 2, hashed: 2, jobsQueued: 4 });
    const thumbnails = new Queue('thumbnails', { connection: { url: redis.url }, prefix: queuePrefix('family') });
    try {
      const jobs = await thumbnails.getJobs(['waiting', 'prioritized']);
      expect(jobs.map((j) => j.data.relPath).sort()).toEqual(['a/one.jpg', 'b/two.jpg']);
      for (const job of jobs) expect(job.id).toBe(mediaJobId(job.data));
    } finally {
      await thumbnails.close();
    }
    const again = atrium(['instance', 'index', '--instance', 'family', '--data', dataDir, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 2, hashed: 0 });
    const rescan = atrium([
      'instance',
      'index',
      '--instance',
      'family',
      '--data',
      dataDir,
      '--rescan',
      '--json',
    ]);
    expect(JSON.parse(rescan.stdout)).toMatchObject({ unchanged: 2, hashed: 2 });
  });

  it("indexes from the instance's own environment", async () => {
    const run = atrium(['instance', 'index', '--json'], {
      NODE_NAME: 'family',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      ORIGINALS_PATH: join(dataDir, 'instances/family/originals'),
      CACHE_PATH: join(dataDir, 'instances/family/cache'),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ unchanged: 2 });
  });

  it('refuses while another run is under way, and on bad arguments', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO index_runs (id, status, rescan, phase, counts, started_at, heartbeat_at) VALUES ('00000000-0000-4000-8000-000000000001', 'running', false, 'walking', '{}', now(), now())`,
      );
      const busy = atrium(['instance', 'index', '--instance', 'family', '--data', dataDir]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/already under way/);
    } finally {
      await client.query('DELETE FROM index_runs WHERE id = $1', ['00000000-0000-4000-8000-000000000001']);
      await client.end();
    }
    expect(atrium(['instance', 'index', '--instance', '../etc', '--data', dataDir]).code).toBe(2);
    expect(atrium(['instance', 'index', '--instance', 'studio', '--data', dataDir]).code).toBe(1);
    expect(atrium(['instance', 'index', '--frobnicate']).code).toBe(2);
    const noEnv = atrium(['instance', 'index']);
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toMatch(/NODE_NAME/);
  });
});
