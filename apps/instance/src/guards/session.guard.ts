import {
  applyDecorators,
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiCookieAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { hasPermission, type Permission, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { InstanceError } from '../common/errors.js';
import { SessionService, viewerOf } from '../services/session.service.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';
import { ShareService } from '../services/share.service.js';
import { readCookie } from '../utils/cookies.js';

const PERMISSION = 'atrium:permission';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the guard attaches to a signed-in request. */
export interface RequestAuth {
  session: SessionEntity;
  viewer: Viewer;
}

export interface AuthenticatedRequest extends Request {
  auth?: RequestAuth;
}

/**
 * A route for signed-in people: a live session is required, state-changing requests must pass the
 * CSRF check, and the role must hold `permission` in some scope (the service then decides the
 * resource at hand through the access repository).
 */
export const Authenticated = (permission?: Permission) =>
  applyDecorators(SetMetadata(PERMISSION, permission ?? null), UseGuards(SessionGuard), ApiCookieAuth());

/** The viewer of the signed-in request. */
export const CurrentViewer = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Viewer =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth!.viewer,
);

/** The session of the signed-in request. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): SessionEntity =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth!.session,
);

/**
 * CSRF defence for a state-changing request: an `Origin` naming this instance exactly (sibling hosts
 * are same-site, so SameSite cookies alone do not stop them), or, without an Origin, the session's
 * token in `X-CSRF-Token`.
 */
export function passesCsrf(
  req: Request,
  publicUrl: string,
  session: SessionEntity | undefined,
  sessions: SessionService,
): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === publicUrl;
  return session !== undefined && sessions.csrfMatches(session, req.headers['x-csrf-token']);
}

@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly share: ShareService,
    private readonly reflector: Reflector,
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const lookup = await this.sessions.lookup(readCookie(req.headers.cookie, this.sessions.cookieName));
    if (lookup.status === 'none') throw new InstanceError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    if (lookup.status === 'expired')
      throw new InstanceError('ERR_SESSION_EXPIRED', 'the session ended; sign in again', 401);
    if (!passesCsrf(req, this.config.publicUrl, lookup.session, this.sessions)) {
      throw new InstanceError('ERR_CSRF', 'cross-site request refused', 403);
    }
    const permission = this.reflector.getAllAndOverride<Permission | null>(PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (permission && !hasPermission(lookup.session.role, permission)) {
      throw new InstanceError('ERR_FORBIDDEN', 'your role does not allow this', 403);
    }
    // Links a contributor or guest opened keep showing what they name (docs/architecture.md rule 7).
    const links = await this.share.keptLinks(lookup.session);
    req.auth = { session: lookup.session, viewer: viewerOf(lookup.session, links) };
    return true;
  }
}
