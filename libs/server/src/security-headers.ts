import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The nonce of this response's Content-Security-Policy; Next.js puts it on its inline scripts. */
export function cspNonce(res: ServerResponse): string | undefined {
  return (res as ServerResponse & { locals?: { cspNonce?: string } }).locals?.cspNonce;
}

/**
 * Security headers for every response of a service, pages and API alike (helmet): a CSP whose
 * scripts need this response's nonce (`'strict-dynamic'` lets Next's chunks load; no
 * `'unsafe-eval'`), no framing (no `form-action`: the portal's logout form ends in a redirect to
 * the instance that asked, which `form-action 'self'` would block), no referrer across origins, nosniff, COOP, and HSTS when the
 * public URL is https. Inline `style` attributes stay allowed: React renders them, and styles run
 * no code.
 */
export function securityHeaders(opts: { https: boolean; selfScriptPaths?: readonly string[] }): Middleware {
  const nonceOf = (_req: IncomingMessage, res: ServerResponse) => `'nonce-${cspNonce(res)}'`;
  // Pages not made by Next (Swagger UI) load their own scripts without a nonce: there, scripts
  // from this origin are allowed instead of only nonced ones and those they load.
  const selfPaths = opts.selfScriptPaths ?? [];
  const strictDynamic = (req: IncomingMessage) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    return selfPaths.some((p) => path === p || path.startsWith(`${p}/`)) ? '' : "'strict-dynamic'";
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonceOf, strictDynamic],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    // Thumbnails and videos are fetched by our own pages only; other origins may not embed them.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xContentTypeOptions: true,
    originAgentCluster: true,
    xDnsPrefetchControl: { allow: false },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xXssProtection: false,
  }) as unknown as Middleware;
  return (req, res, next) => {
    const withLocals = res as ServerResponse & { locals?: Record<string, unknown> };
    withLocals.locals ??= {};
    withLocals.locals.cspNonce = randomBytes(16).toString('base64');
    headers(req, res, next);
  };
}

/**
 * Headers for a user's file (an original, a derivative, a placeholder): `sandbox` makes an HTML or
 * SVG file opened directly an opaque-origin document without scripts, so it never runs as a page of
 * the library; nosniff stops browsers from guessing another type.
 */
export function sandboxFileHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}
