import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The id of the HTTP request being served, if any: log lines and queued jobs carry it. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `work` as part of the request `requestId` (log lines and jobs made inside it carry the id). */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/** A request id a proxy may hand us: short, printable, no spaces (it lands in logs and job payloads). */
export const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Decides whether the TCP peer is one of `TRUSTED_PROXIES` (addresses or CIDR ranges, IPv4 or IPv6,
 * plus Express's names `loopback`, `linklocal` and `uniquelocal`).
 */
export function proxyMatcher(trusted: string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  const named: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
    loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
    linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
    uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
  };
  for (const entry of trusted) {
    for (const [net, prefix, type] of named[entry] ?? []) list.addSubnet(net, prefix, type);
    if (named[entry]) continue;
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(address)) continue;
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && list.check(plain, type);
  };
}

/**
 * The id of an incoming request: the proxy's `X-Request-Id` when the peer is a trusted proxy and the
 * value is well-formed, else a new UUID (a client cannot choose what our logs call its request).
 */
export function requestIdFor(req: IncomingMessage, fromTrustedProxy: (address: string | undefined) => boolean): string {
  const header = req.headers['x-request-id'];
  if (typeof header === 'string' && REQUEST_ID.test(header) && fromTrustedProxy(req.socket.remoteAddress)) return header;
  return randomUUID();
}
