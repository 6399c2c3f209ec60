import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './redis.js';

/** Sends one inline command and returns the raw reply (enough for SET/GET/CONFIG in a test). */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const body = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
    let reply = '';
    socket.on('connect', () => socket.write(`*${args.length}\r\n${body}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('startRedis', () => {
  let redis: TestRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('serves SET/GET on a free port with eviction off and no persistence', async () => {
    redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'SET', 'greeting', 'hello')).toBe('+OK\r\n');
    expect(await command(redis.port, 'GET', 'greeting')).toBe('$5\r\nhello\r\n');
    expect(await command(redis.port, 'CONFIG', 'GET', 'maxmemory-policy')).toContain('noeviction');
    expect(await command(redis.port, 'CONFIG', 'GET', 'appendonly')).toContain('no');
  });

  it('keeps keys across a restart with appendonly, on the same port', async () => {
    redis = await startRedis({ appendOnly: true });
    const { port } = redis;
    await command(port, 'SET', 'job', 'queued');
    await redis.restart();
    expect(redis.port).toBe(port);
    expect(await command(port, 'GET', 'job')).toBe('$6\r\nqueued\r\n');
    await command(port, 'SET', 'job', 'running');
    await redis.restart({ kill: true });
    expect(await command(port, 'GET', 'job')).toBe('$7\r\nrunning\r\n');
  });

  it('loses keys across a restart without appendonly', async () => {
    redis = await startRedis();
    await command(redis.port, 'SET', 'job', 'queued');
    await redis.restart();
    expect(await command(redis.port, 'GET', 'job')).toBe('$-1\r\n');
  });

  it('is gone, with its folder, after stop', async () => {
    const started = await startRedis({ appendOnly: true });
    await started.stop();
    await expect(command(started.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(started.dir)).toBe(false);
  });
});
