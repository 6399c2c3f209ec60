import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { digestSecret, isAuthError, safeEqual } from '@atrium/auth';
import { PERMISSION_NAMES, PolicyError, hasPermission, parseAtriumClaims, type InstanceAccess } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import type { SessionDto } from '../dtos/session.dto.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { LoginStateRepository } from '../repositories/login-state.repository.js';
import { LogoutTokenRepository } from '../repositories/logout-token.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { safeReturnTo } from '../utils/return-to.js';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { PortalClient, type SignInResult } from './portal-client.service.js';
import { SessionService } from './session.service.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

const LOGIN_TTL_MS = 10 * 60_000;
// A logout token lives 2 min; its jti is kept past any clock skew the verifier tolerates.
const JTI_RETENTION_MS = 3 * 60_000;
// Errors of a prompt=none request that only mean "the person must sign in interactively".
const INTERACTION_NEEDED = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

/** Where the browser goes next, and the cookies to set on the way. */
export interface AuthRedirect {
  location: string;
  cookies: string[];
}

/**
 * Sign-in and sign-out as docs/contracts.md §2 says: the authorization request with state, nonce and
 * PKCE kept in Postgres and bound to the browser by a short cookie; the callback that verifies
 * the ID token, refreshes the person and makes a new session; RP-initiated and back-channel logout.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('auth');

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly portal: PortalClient,
    private readonly sessions: SessionService,
    private readonly loginStates: LoginStateRepository,
    private readonly logoutTokens: LogoutTokenRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  /** `GET /api/session`: who is signed in, with what role, and the CSRF token. */
  async describe(session: SessionEntity): Promise<SessionDto> {
    const user = await this.users.findById(session.userId);
    return {
      userId: session.userId,
      username: user?.username ?? session.userId,
      name: user?.name ?? null,
      library: this.config.nodeName,
      portalUrl: this.config.portalUrl,
      role: session.role,
      groups: session.groups,
      basePath: session.basePath,
      uploadPath: session.uploadPath,
      webdav: session.webdav,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      permissions: PERMISSION_NAMES.filter((p) => hasPermission(session.role, p)),
    };
  }

  get loginCookieName(): string {
    return `${this.sessions.cookieName}_login`;
  }

  /** Starts a sign-in at the portal; `silent` asks with `prompt=none`. */
  async startLogin(returnTo: unknown, silent: boolean): Promise<AuthRedirect> {
    const state = oidc.randomState();
    const request = { state, nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), silent };
    const location = await this.portal.authorizationUrl(request);
    const now = this.clock.now();
    await this.loginStates.save(
      digestSecret(state),
      { nonce: request.nonce, codeVerifier: request.codeVerifier, returnTo: safeReturnTo(returnTo), silent },
      new Date(now.getTime() + LOGIN_TTL_MS),
      now,
    );
    const cookie = this.sessions.cookie(this.loginCookieName, state, {
      path: '/auth/callback',
      maxAgeSeconds: LOGIN_TTL_MS / 1000,
    });
    return { location: location.href, cookies: [cookie] };
  }

  /**
   * Finishes a sign-in: the `state` must be this browser's (its cookie) and still pending; then the
   * code is redeemed and the ID token checked. The old session, if any, ends: a new id every time.
   */
  async finishLogin(
    callbackUrl: URL,
    loginCookie: string | undefined,
    sessionCookie: string | undefined,
  ): Promise<AuthRedirect> {
    const state = callbackUrl.searchParams.get('state');
    const clear = this.sessions.clearCookie(this.loginCookieName, '/auth/callback');
    if (!state || !loginCookie || !safeEqual(state, loginCookie)) {
      throw new InstanceError(
        'ERR_AUTH_STATE',
        'this sign-in was not started by this browser or has expired',
        400,
      );
    }
    const pending = await this.loginStates.take(digestSecret(state), this.clock.now());
    if (!pending)
      throw new InstanceError(
        'ERR_AUTH_STATE',
        'this sign-in was not started by this browser or has expired',
        400,
      );
    const error = callbackUrl.searchParams.get('error');
    if (error !== null) return { location: this.afterRefusal(error, pending), cookies: [clear] };
    const result = await this.portal.redeem(callbackUrl, {
      state,
      nonce: pending.nonce,
      codeVerifier: pending.codeVerifier,
    });
    const access = this.accessOf(result);
    await this.recordUser(result, access);
    await this.sessions.end(sessionCookie);
    const { secret } = await this.sessions.create({
      userId: result.claims.sub,
      portalSid: typeof result.claims.sid === 'string' ? result.claims.sid : null,
      access,
      idToken: result.idToken,
      authTime: typeof result.claims.auth_time === 'number' ? new Date(result.claims.auth_time * 1000) : null,
    });
    return {
      location: pending.returnTo,
      cookies: [clear, this.sessions.cookie(this.sessions.cookieName, secret)],
    };
  }

  /** Ends the instance session, then sends the browser to the portal's end-session endpoint. */
  async logout(sessionCookie: string | undefined): Promise<AuthRedirect> {
    const session = await this.sessions.end(sessionCookie);
    const location = await this.portal.endSessionUrl(session?.idToken);
    return { location: location.href, cookies: [this.sessions.clearCookie(this.sessions.cookieName)] };
  }

  /** OIDC Back-Channel Logout: ends the sessions a valid, unseen logout token names. */
  async backchannelLogout(token: unknown): Promise<number> {
    if (typeof token !== 'string' || token.length === 0)
      throw new InstanceError('ERR_LOGOUT_TOKEN', 'logout_token is required', 400);
    try {
      const claims = await this.portal.verifyLogoutToken(token, (jti, expiresAt) =>
        this.logoutTokens.remember(
          digestSecret(jti),
          new Date(Math.max(expiresAt.getTime(), 0) + JTI_RETENTION_MS),
          this.clock.now(),
        ),
      );
      const ended = await this.sessions.endForLogout({ sid: claims.sid, sub: claims.sub });
      this.logger.log(`back-channel logout ended ${ended} session(s)`);
      return ended;
    } catch (error) {
      if (!isAuthError(error)) throw error;
      // The portal's keys could not be fetched: not the token's fault, so the portal's outbox retries.
      if (error.code === 'ERR_TOKEN_JWKS')
        throw new InstanceError('ERR_PORTAL_UNAVAILABLE', 'the portal cannot be reached; try again shortly', 503);
      this.logger.warn(`logout token refused: ${error.code} ${error.message}`);
      throw new InstanceError('ERR_LOGOUT_TOKEN', 'the logout token is not valid', 400, {
        reason: error.code,
      });
    }
  }

  private afterRefusal(error: string, pending: { returnTo: string; silent: boolean }): string {
    if (pending.silent && INTERACTION_NEEDED.has(error))
      return `/?signin=required&return_to=${encodeURIComponent(pending.returnTo)}`;
    return error === 'access_denied' ? '/?signin=denied' : '/?signin=failed';
  }

  private accessOf(result: SignInResult): InstanceAccess {
    try {
      const access = parseAtriumClaims(result.claims);
      return { ...access, webdav: access.webdav && !this.config.disabledFeatures.includes('webdav') };
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      this.logger.warn(`ID token claims refused: ${error.code}`);
      throw new InstanceError(
        'ERR_CLAIMS_INVALID',
        'the portal sent access claims this instance cannot use',
        403,
      );
    }
  }

  private async recordUser(result: SignInResult, access: InstanceAccess): Promise<void> {
    const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
    await this.users.upsert({
      id: result.claims.sub,
      username: text(result.claims.preferred_username) ?? result.claims.sub,
      name: text(result.claims.name),
      email: text(result.claims.email),
      role: access.role,
      groups: access.groups,
      basePath: access.basePath,
      uploadPath: access.uploadPath,
      webdav: access.webdav,
      lastSeenAt: this.clock.now(),
    });
  }
}
