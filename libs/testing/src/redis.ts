import { connect } from 'node:net';
import { startOnPort } from './ports.js';
import {
  makeTempDir,
  requireExecutable,
  spawnService,
  waitUntilReady,
  type ServiceProcess,
} from './processes.js';

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /** Persist with an append-only file (what production runs), so data survives {@link TestRedis.restart}. */
  appendOnly?: boolean;
  /** Working folder (AOF files); a temp folder, removed on stop, when omitted. */
  dir?: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

/** A running `redis-server` child. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  dir: string;
  /** Stops the server and removes its temp folder. */
  stop(): Promise<void>;
  /**
   * Stops and starts the server on the same port and folder. `kill: true` sends SIGKILL instead
   * of a clean shutdown, as a crashed Redis would stop.
   */
  restart(options?: { kill?: boolean }): Promise<void>;
}

/** Resolves true when the server answers PING (not while it is still loading its AOF). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    let reply = '';
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

function redisArgs(port: number, dir: string, appendOnly: boolean): string[] {
  // prettier-ignore
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', appendOnly ? 'yes' : 'no',
    // BullMQ loses jobs silently under eviction; production runs noeviction too.
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
  ];
}

async function launch(
  binary: string,
  port: number,
  dir: string,
  appendOnly: boolean,
): Promise<ServiceProcess> {
  const service = spawnService(binary, redisArgs(port, dir, appendOnly), { cwd: dir });
  await waitUntilReady(`redis-server on port ${port}`, service, () => answersPing(port));
  return service;
}

/** Starts `redis-server` on a free port; ready when PING answers. */
export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const binary = requireExecutable('redis-server', 'redis-server');
  const appendOnly = options.appendOnly ?? false;
  const temp = options.dir === undefined ? makeTempDir('redis') : undefined;
  const dir = options.dir ?? (temp?.path as string);
  let port = 0;
  let service = await startOnPort(options.port, async (candidate) => {
    const started = await launch(binary, candidate, dir, appendOnly);
    port = candidate;
    return started;
  });
  temp?.recordService({ pid: service.pid, comm: 'redis-server', signal: 'SIGKILL' });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      await service.stop('SIGTERM');
      await temp?.remove();
    },
    async restart({ kill = false } = {}) {
      await service.stop(kill ? 'SIGKILL' : 'SIGTERM');
      service = await launch(binary, port, dir, appendOnly);
      temp?.recordService({ pid: service.pid, comm: 'redis-server', signal: 'SIGKILL' });
    },
  };
}
