import type { NextFunction, Request, Response } from 'express';
import { PortalError } from '../common/errors.js';
import type { AdminGuard } from './admin.guard.js';

/** Pages of the admin UI: `/admin` and below (Next's client navigations fetch these paths too). */
export function isAdminPage(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

// A path no page or route has: Nest answers 404 and the UI renders its "not found" page.
const NOT_FOUND_PATH = '/_admin-not-found';

/**
 * Express middleware in front of the UI: an admin page exists only for a cluster admin signed in
 * with TOTP. Anyone else (signed out, a plain user, an admin without TOTP) gets the ordinary 404,
 * so the pages do not even reveal that they are there.
 */
export function adminPages(guard: AdminGuard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isAdminPage(req.path)) return next();
    guard
      .actor(req)
      .then((actor) => {
        res.setHeader('Cache-Control', 'no-store');
        if (actor instanceof PortalError) req.url = NOT_FOUND_PATH;
        next();
      })
      .catch(next);
  };
}
