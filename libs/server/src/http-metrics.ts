import type { IncomingMessage, ServerResponse } from 'node:http';
import { Histogram, type Registry } from 'prom-client';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** A label for requests no route matched: pages go to the UI, the rest are unknown paths. */
function fallbackRoute(req: IncomingMessage): string {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (path.startsWith('/api/')) return '(unmatched)';
  return req.method === 'GET' || req.method === 'HEAD' ? '(ui)' : '(unmatched)';
}

/**
 * `http_request_duration_seconds{method,route,status}`: the route is the matched template
 * (`/api/assets/:id/:kind`), never the raw path, so label values stay few.
 */
export function httpMetrics(registry: Registry): (route?: string) => Middleware {
  const existing = registry.getSingleMetric('http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'> | undefined;
  const histogram =
    existing ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status, and how long they took',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return (fixedRoute) => (req, res, next) => {
    const end = histogram.startTimer();
    res.once('close', () => {
      const route = fixedRoute ?? (req as IncomingMessage & { route?: { path?: string } }).route?.path ?? fallbackRoute(req);
      end({ method: req.method ?? 'GET', route, status: String(res.statusCode) });
    });
    next();
  };
}
