import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Request, Response } from 'express';
import type { FallbackHandler } from './errors.js';

type NextFactory = (o: object) => { prepare(): Promise<void>; getRequestHandler(): (req: unknown, res: unknown) => Promise<void> };

/**
 * Prepares an app's production Next.js build (made by `npm install`) and returns the request
 * handler the error filter falls back to for pages; `null` when the UI was not built. `next` is
 * resolved from the UI's folder: the app that has a UI depends on it, libs/server does not.
 */
export async function loadNextUi(dir: string): Promise<FallbackHandler | null> {
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) return null;
  const entry = createRequire(join(dir, 'next.config.mjs')).resolve('next');
  const { default: next } = (await import(pathToFileURL(entry).href)) as { default: NextFactory };
  const app = next({ dev: false, dir, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req: Request, res: Response) => {
    // Next.js takes the nonce for its inline scripts from the request's CSP header; the policy
    // itself is the response's, set by the security headers of every request.
    const policy = res.getHeader('Content-Security-Policy');
    if (typeof policy === 'string') req.headers['content-security-policy'] = policy;
    return handle(req, res);
  };
}
