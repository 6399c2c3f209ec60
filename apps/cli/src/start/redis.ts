import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError } from '../cli.js';
import type { Children } from './children.js';

const SYSTEM_DEPS = fileURLToPath(new URL('../../../../scripts/system-deps.mjs', import.meta.url));

function hasRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** No Redis ships in npm: install Debian's when run as root, otherwise say the one command to run. */
export async function ensureRedisInstalled(): Promise<void> {
  if (hasRedis()) return;
  const { ensureSystemDeps } = (await import(SYSTEM_DEPS)) as { ensureSystemDeps(o: { need: string[] }): Promise<void> };
  await ensureSystemDeps({ need: ['redis-server'] });
  if (!hasRedis()) throw new CommandError('redis-server is missing; install it with: sudo apt-get install -y redis-server');
}

/** One Redis per instance, with append-only persistence and noeviction so no job is ever lost. */
export async function startRedis(dataDir: string, name: string, port: number, children: Children): Promise<void> {
  const dir = join(dataDir, 'redis', name);
  mkdirSync(dir, { recursive: true });
  const child = children.spawn(
    `redis-${name}`,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    { marker: 'redis-server' },
  );
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new CommandError(`Redis for ${name} exited while starting (port ${port} in use?); see logs/redis-${name}.log`);
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CommandError(`Redis for ${name} did not answer on port ${port}`);
}
