import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { safeEqual } from '@atrium/auth';
import type { Request } from 'express';
import type { AccountEntity } from '../entities/account.entity.js';
import type { PortalSessionEntity } from '../entities/session.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { PortalError } from '../common/errors.js';
import { SessionService } from '../services/session.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The signed-in cluster admin behind an admin request. */
export interface AdminActor {
  session: PortalSessionEntity;
  account: AccountEntity;
}

export interface AdminRequest extends Request {
  admin?: AdminActor;
}

export const CurrentAdmin = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AdminRequest>().admin,
);

/** Why a session may not administer the cluster, or `undefined` when it may (docs/architecture.md, rule 4). */
export function adminRefusal(
  session: PortalSessionEntity | undefined,
  account: AccountEntity | null,
): PortalError | undefined {
  if (!session || !account) return new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
  if (session.stage !== 'full')
    return new PortalError('ERR_SESSION_STAGE', 'finish signing in first', 403, { stage: session.stage });
  if (!account.clusterAdmin || account.disabled)
    return new PortalError('ERR_ADMIN_REQUIRED', 'only a cluster admin may do this', 403);
  // A cluster admin requires TOTP: enrolled on the account and used for this session.
  if (!account.totpSecret || !session.amr.includes('mfa'))
    return new PortalError('ERR_ADMIN_TOTP_REQUIRED', 'a cluster admin signs in with TOTP first', 403);
  return undefined;
}

/**
 * `/api/admin/*`: a full portal session of an enabled `cluster_admin` signed in with TOTP, and for
 * state-changing requests the session's CSRF token in `X-CSRF-Token` (the OriginGuard checks the
 * origin before this runs).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly accounts: AccountRepository,
  ) {}

  /** The admin a request's cookie names, or why there is none. */
  async actor(req: Request): Promise<AdminActor | PortalError> {
    const session = await this.sessions.find(req.cookies?.[this.sessions.cookie().name]);
    const account = session ? await this.accounts.findById(session.accountId) : null;
    return adminRefusal(session, account) ?? { session: session!, account: account! };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const actor = await this.actor(req);
    if (actor instanceof PortalError) throw actor;
    const token = req.headers['x-csrf-token'];
    if (
      !SAFE_METHODS.has(req.method) &&
      !(typeof token === 'string' && safeEqual(token, actor.session.csrfToken))
    )
      throw new PortalError('ERR_CSRF', 'missing or wrong CSRF token', 403);
    req.admin = actor;
    return true;
  }
}
