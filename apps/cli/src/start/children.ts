import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';

/** One process `atrium start` runs; recorded in `<data>/run/children.json` until it ends. */
export interface Child {
  name: string;
  process: ChildProcess;
  /** Signal that asks it to stop cleanly. */
  stopSignal: NodeJS.Signals;
}

interface Recorded {
  name: string;
  pid: number;
  /** A word of its command line, checked before a leftover is killed (pids get reused). */
  marker: string;
  signal?: NodeJS.Signals;
}

const RUN_FILE = ['run', 'children.json'];

// What a newcomer's terminal shows of the services' output: warnings and errors (Nest's text, pino's
// JSON levels 40 and up); everything is in `<data>/logs/<name>.log`, and `--verbose` shows it all.
const TAIL_LINES = 15;
// Warnings known to be harmless here, kept in the log files only: Redis without vm.overcommit,
// oidc-provider's Node 22 notice (it runs on Node 20, tested), Postgres answering probes while it
// starts, and an instance asking for its stored credentials before its first migration.
const KNOWN_NOISE = [
  /Memory overcommit must be enabled/,
  /oidc-provider WARNING: Unsupported runtime/,
  /the database system is starting up/,
  /relation "settings" does not exist/,
];
const PROBLEM = /\b(WARN|WARNING|ERROR|FATAL)\b|"level":\s*(4|5|6)0\b/;

export class Children {
  private readonly children: Child[] = [];
  private readonly runFile: string;
  private readonly logDir: string;
  private stopping = false;
  private readonly tails = new Map<string, string[]>();

  constructor(
    dataDir: string,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
    private readonly verbose = false,
    /** Where children's lines are echoed, prefixed (stderr under `--json`, so stdout stays JSON). */
    private readonly echo: NodeJS.WritableStream = process.stdout,
  ) {
    this.runFile = join(dataDir, ...RUN_FILE);
    this.logDir = join(dataDir, 'logs');
    mkdirSync(join(dataDir, 'run'), { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  /** Starts a child with its output kept in `<data>/logs/<name>.log` and its problems prefixed on ours. */
  spawn(name: string, command: string, args: string[], opts: SpawnOptions & { stopSignal?: NodeJS.Signals; marker?: string } = {}): Child {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const tail: string[] = [];
    this.tails.set(name, tail);
    for (const stream of [proc.stdout, proc.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          if (this.verbose || (PROBLEM.test(line) && !KNOWN_NOISE.some((noise) => noise.test(line)))) this.echo.write(`[${name}] ${line}\n`);
        }
      });
    }
    const child: Child = { name, process: proc, stopSignal: opts.stopSignal ?? 'SIGTERM' };
    proc.on('exit', (code) => {
      log.end();
      if (!this.stopping) this.onUnexpectedExit(name, code);
    });
    this.children.push(child);
    this.record({ name, pid: proc.pid!, marker: opts.marker ?? command, signal: child.stopSignal });
    return child;
  }

  /** The last lines a child wrote, for the message when it exits unexpectedly. */
  lastLines(name: string): string[] {
    return [...(this.tails.get(name) ?? [])];
  }

  /** Remembers a child on disk, so the next run can stop it if this one is killed. */
  private record(entry: Recorded): void {
    const all = readRecorded(this.runFile).filter((r) => r.name !== entry.name);
    writeFileSync(this.runFile, JSON.stringify([...all, entry], null, 2));
  }

  /** Stops children in reverse start order, each with its stop signal, then SIGKILL after a grace. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) await stopProcess(child.process, child.stopSignal, graceMs);
    this.children.length = 0;
    rmSync(this.runFile, { force: true });
  }
}

export async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function readRecorded(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Recorded[];
  } catch {
    return [];
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Stops what an earlier run left behind when it was killed (kill -9 gives it no chance to clean
 * up): every recorded process that is still alive and still the same program. Returns their names.
 */
export async function reapLeftovers(dataDir: string, graceMs = 10_000): Promise<string[]> {
  const file = join(dataDir, ...RUN_FILE);
  const reaped: string[] = [];
  for (const r of readRecorded(file)) {
    if (!isAlive(r.pid) || !commandLine(r.pid).includes(r.marker)) continue;
    process.kill(r.pid, r.signal ?? 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(r.pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    if (isAlive(r.pid)) process.kill(r.pid, 'SIGKILL');
    reaped.push(r.name);
  }
  rmSync(file, { force: true });
  return reaped;
}
