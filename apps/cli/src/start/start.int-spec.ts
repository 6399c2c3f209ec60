import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `atrium start` as a user runs it: the compiled CLI (npm test builds it first), a real Postgres,
// real Redis servers, the portal, two instances and a worker as separate processes.
const ATRIUM = fileURLToPath(new URL('../../bin/atrium.js', import.meta.url));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A portal port whose whole layout (instances, worker, Postgres, Redis) is free. */
async function freeLayout(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const layout = [port, port + 1, port + 2, port + 10, port + 5433 - 8080, port + 6380 - 8080, port + 6381 - 8080];
    if ((await Promise.all(layout.map(portFree))).every(Boolean)) return port;
  }
  throw new Error('no free port layout');
}

const dataDir = mkdtempSync(join(tmpdir(), 'atrium-start-'));
let output = '';

function runStart(port: number): ChildProcess {
  output = '';
  const child = spawn(process.execPath, [ATRIUM, 'start', '--data', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return child;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process of the cluster, by the pids it recorded, and what listens on its ports. */
function recordedPids(): number[] {
  const file = join(dataDir, 'run', 'children.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }[]).map((r) => r.pid) : [];
}

async function readyz(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('atrium start', () => {
  it('brings the portal, both instances and the worker to /readyz, and Ctrl-C stops every process', { timeout: 240_000 }, async () => {
    const port = await freeLayout();
    const child = runStart(port);
    await waitFor(() => output.includes('Atrium is running.'), 'the cluster');
    const urls = [port, port + 1, port + 2, port + 10].map((p) => `http://127.0.0.1:${p}`);
    expect(await Promise.all(urls.map(readyz))).toEqual([200, 200, 200, 200]);
    expect(output).toContain(`family    http://127.0.0.1:${port + 1}`);
    const pids = recordedPids();
    expect(pids.length).toBeGreaterThanOrEqual(6); // postgres, 2 redis, portal, 2 instances, worker

    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(await Promise.all([port, port + 1, port + 5433 - 8080].map(portFree))).toEqual([true, true, true]);
  });

  it('cleans up after a run killed with kill -9 and starts again on the same data', { timeout: 300_000 }, async () => {
    const port = await freeLayout();
    const first = runStart(port);
    await waitFor(() => output.includes('Atrium is running.'), 'the first run');
    const leftovers = recordedPids();
    first.kill('SIGKILL');
    await exited(first);

    const second = runStart(port);
    await waitFor(() => output.includes('Atrium is running.'), 'the second run');
    expect(output).toContain('stopped what a killed earlier run left behind');
    expect(leftovers.filter(alive)).toEqual([]);
    expect(await readyz(`http://127.0.0.1:${port + 2}`)).toBe(200);
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });
});
