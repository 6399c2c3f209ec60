import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';

const MACHINE = 'atrium:machine-route';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes called by nodes with their credentials, not by browsers: no cookie, so no CSRF check. */
export const MachineRoute = () => SetMetadata(MACHINE, true);

/**
 * CSRF defence for every state-changing browser request: it must come from the portal's own origin
 * (`Origin`, or `Sec-Fetch-Site: same-origin` when a browser sends no Origin). Cookies are SameSite
 * too, and signed-in routes also check the session's CSRF token.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(MACHINE, [context.getHandler(), context.getClass()]))
      return true;
    const origin = req.headers.origin;
    const sameOrigin =
      origin === undefined
        ? req.headers['sec-fetch-site'] === 'same-origin'
        : origin === this.settings.publicUrl;
    if (!sameOrigin) throw new PortalError('ERR_CSRF', 'cross-origin request refused', 403);
    return true;
  }
}
