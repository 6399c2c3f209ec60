import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { runChecks, type ReadinessCheck } from './health.js';

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice(7)), digest(token));
}

/** Writes the registry's metrics, or 401 when a token is configured and missing. */
export async function answerMetrics(registry: Registry, token: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (token !== undefined && !hasBearer(req, token)) {
    res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer realm="metrics"' });
    res.end(JSON.stringify({ error: { code: 'ERR_UNAUTHORIZED', message: 'A bearer token is required for /metrics' } }));
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * The listener on `METRICS_PORT`: `/metrics`, `/healthz` and `/readyz` only, so Prometheus and
 * probes reach them on a port that no ingress routes to.
 */
export async function startMetricsListener(opts: {
  port: number;
  host: string;
  registry: Registry;
  checks: ReadinessCheck[];
  token?: string;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: { code: 'ERR_METHOD_NOT_ALLOWED', message: 'GET only' } });
    if (path === '/metrics') return void answerMetrics(opts.registry, opts.token, req, res).catch(() => json(500, { error: { code: 'ERR_INTERNAL', message: 'Internal server error' } }));
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz')
      return void runChecks(opts.checks).then((r) => json(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks }));
    json(404, { error: { code: 'ERR_NOT_FOUND', message: 'Not found' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}

/** The port a listener got (for `METRICS_PORT=0` in tests). */
export function listenerPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
