import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { safeEqual } from '@atrium/auth';
import type { Request } from 'express';
import type { PortalSessionEntity, SessionStage } from '../entities/session.entity.js';
import { PortalError } from '../common/errors.js';
import { SessionService } from '../services/session.service.js';

const STAGES = 'atrium:session-stages';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session stages a route accepts; `full` unless stated (half-signed-in sessions reach nothing else). */
export const AllowStages = (...stages: SessionStage[]) => SetMetadata(STAGES, stages);

export interface SessionRequest extends Request {
  portalSession?: PortalSessionEntity;
}

/** The portal session the guard found. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<SessionRequest>().portalSession,
);

/**
 * Requires a portal session in an allowed stage, and for state-changing requests the session's
 * CSRF token in `X-CSRF-Token`.
 */
@Injectable()
export class PortalSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SessionRequest>();
    const stages = this.reflector.getAllAndOverride<SessionStage[]>(STAGES, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['full'];
    const session = await this.sessions.find(req.cookies?.[this.sessions.cookie().name]);
    if (!session) throw new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    if (!stages.includes(session.stage))
      throw new PortalError('ERR_SESSION_STAGE', 'finish signing in first', 403, { stage: session.stage });
    const token = req.headers['x-csrf-token'];
    if (
      !SAFE_METHODS.has(req.method) &&
      !(typeof token === 'string' && safeEqual(token, session.csrfToken))
    ) {
      throw new PortalError('ERR_CSRF', 'missing or wrong CSRF token', 403);
    }
    req.portalSession = session;
    return true;
  }
}
