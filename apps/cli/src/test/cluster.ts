import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs `atrium start` as a user does: the compiled CLI (npm test builds it first), a real Postgres,
// real Redis servers, the portal, the instances and a worker as separate processes.
const ATRIUM = fileURLToPath(new URL('../../bin/atrium.js', import.meta.url));

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A portal port whose whole layout (two instances, worker, Postgres, Redis) is free. */
export async function freeLayout(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the kernel's ephemeral ports (32768 and up), which the OS hands out for other tests'
    // connections and freePort(): the layout spans port-2647 … port+31, and tests move it by ~110.
    const port = 23000 + Math.floor(Math.random() * 9500);
    const layout = [port, port + 1, port + 2, port + 10, port + 5433 - 8080, port + 6380 - 8080, port + 6381 - 8080];
    if ((await Promise.all(layout.map(portFree))).every(Boolean)) return port;
  }
  throw new Error('no free port layout');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One `atrium start` process on a data folder of its own. */
export class TestCluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'atrium-cluster-'));
  output = '';
  child?: ChildProcess;

  constructor(public port: number) {
    // mkdtemp makes it 0700; as root, Postgres runs as `postgres` and must reach its data inside.
    chmodSync(this.dataDir, 0o755);
  }

  get urls() {
    const url = (p: number) => `http://127.0.0.1:${p}`;
    return { portal: url(this.port), family: url(this.port + 1), studio: url(this.port + 2), worker: url(this.port + 10) };
  }

  /** Starts `atrium start`; without the demo photos unless `args` leave `--empty` out. */
  start(args: string[] = ['--empty'], env: Record<string, string> = {}): ChildProcess {
    this.output = '';
    const child = spawn(process.execPath, [ATRIUM, 'start', '--data', this.dataDir, '--port', String(this.port), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child = child;
    return child;
  }

  async waitFor(text: string, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) throw new Error(`atrium start exited (${this.child.exitCode}):\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}:\n${this.output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Pids of the processes the run recorded (Postgres, Redis servers, services). */
  recordedPids(): number[] {
    const file = join(this.dataDir, 'run', 'children.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }[]).map((r) => r.pid) : [];
  }

  exited(): Promise<number | null> {
    const child = this.child!;
    return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child && this.child.exitCode === null) this.child.kill(signal);
    return this.child ? this.exited() : null;
  }

  remove(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
