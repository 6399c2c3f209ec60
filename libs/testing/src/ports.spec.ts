import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HarnessError } from './errors.js';
import { freePort, startOnPort } from './ports.js';

describe('freePort', () => {
  it('hands out distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    server.close();
  });
});

describe('startOnPort', () => {
  it('retries on a new port when the address was taken, up to three times', async () => {
    const tried: number[] = [];
    const port = await startOnPort(undefined, async (candidate) => {
      tried.push(candidate);
      if (tried.length < 3) throw new HarnessError('ERR_SERVICE_START', 'bind: Address already in use');
      return candidate;
    });
    expect(tried).toHaveLength(3);
    expect(port).toBe(tried[2]);
  });

  it('does not retry other failures, nor a port the caller asked for', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new HarnessError('ERR_SERVICE_START', 'bad config');
    };
    await expect(startOnPort(undefined, failing)).rejects.toThrow('bad config');
    expect(calls).toBe(1);
    const taken = async () => {
      calls++;
      throw new HarnessError('ERR_SERVICE_START', 'Address already in use');
    };
    await expect(startOnPort(6_379, taken)).rejects.toThrow('in use');
    expect(calls).toBe(2);
  });
});
