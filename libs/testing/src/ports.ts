import { createServer, type AddressInfo } from 'node:net';
import { HarnessError } from './errors.js';

const ADDRESS_IN_USE = /address already in use|EADDRINUSE|could not bind|bind: Address/i;
const handedOut = new Set<number>();

function askKernelForPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago; never the same one twice in a process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await askKernelForPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/**
 * Runs `start` on `requested`, or on a free port; another process may grab a free port before the
 * service binds it, so a start that failed on a taken address is retried on a new port.
 */
export async function startOnPort<T>(
  requested: number | undefined,
  start: (port: number) => Promise<T>,
): Promise<T> {
  if (requested !== undefined) return start(requested);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      const taken = error instanceof HarnessError && ADDRESS_IN_USE.test(error.message);
      if (!taken || attempt === 3) throw error;
    }
  }
}
