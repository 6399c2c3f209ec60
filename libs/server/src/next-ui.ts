import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import type { FallbackHandler } from './errors.js';

/**
 * Prepares an app's production Next.js build (made by `npm install`) and returns the request
 * handler the error filter falls back to for pages; `null` when the UI was not built.
 */
export async function loadNextUi(dir: string): Promise<FallbackHandler | null> {
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) return null;
  const { default: next } = await import('next');
  const app = (next as unknown as (o: object) => { prepare(): Promise<void>; getRequestHandler(): (req: unknown, res: unknown) => Promise<void> })({
    dev: false,
    dir,
    quiet: true,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req: Request, res: Response) => handle(req, res);
}
