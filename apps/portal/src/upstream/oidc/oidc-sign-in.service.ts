import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { generateSecretToken, isAuthError, verifyUpstreamIdToken, type AuthErrorCode } from '@atrium/auth';
import { Clock } from '../../common/clock.js';
import { PortalError } from '../../common/errors.js';
import type { LoginReason } from '../../common/login-reasons.js';
import type { PortalSessionEntity } from '../../entities/session.entity.js';
import { AccountRepository } from '../../repositories/account.repository.js';
import { LoginAuditService } from '../../services/login-audit.service.js';
import { SessionService } from '../../services/session.service.js';
import { SignInService, type NextStep } from '../../services/sign-in.service.js';
import { ADDRESS_POLICY, ThrottleService } from '../../services/throttle.service.js';
import { FederatedAccountService } from '../federated-accounts.service.js';
import { refusalPage } from '../pages.js';
import type { OidcProviderConfig } from './oidc-config.js';
import { OidcProviderRegistry } from './oidc-providers.service.js';
import { STATE_TTL_MS, type FlowRequest } from './oidc-strategy.js';
import { runPassport, type PassportOutcome } from './run-passport.js';
import { upstreamIdentity } from './oidc-claims.js';

const UID = /^[A-Za-z0-9_-]{1,64}$/;
/** The browser binding of started sign-ins (docs/contracts.md §4: state bound to the browser). */
export const BINDING_COOKIE = 'atrium-oidc-binding';

// passport-openidconnect's own refusals (0.1.2), as the reasons they stand for.
const STRATEGY_FAILURES: Record<string, LoginReason> = {
  'ID token not issued by expected OpenID provider.': 'oidc_wrong_issuer',
  'ID token not intended for this relying party.': 'oidc_wrong_audience',
  'ID token missing authorizied party claim.': 'oidc_wrong_audience',
  'ID token not issued to this relying party.': 'oidc_wrong_audience',
  'ID token has expired.': 'oidc_token_expired',
};

const TOKEN_REASONS: Partial<Record<AuthErrorCode, LoginReason>> = {
  ERR_TOKEN_SIGNATURE: 'oidc_bad_signature',
  ERR_TOKEN_KID: 'oidc_bad_signature',
  ERR_TOKEN_ALG: 'oidc_bad_signature',
  ERR_TOKEN_ISSUER: 'oidc_wrong_issuer',
  ERR_TOKEN_AUDIENCE: 'oidc_wrong_audience',
  ERR_TOKEN_EXPIRED: 'oidc_token_expired',
  ERR_TOKEN_NOT_YET_VALID: 'oidc_token_expired',
  ERR_TOKEN_NONCE: 'oidc_nonce_mismatch',
  ERR_TOKEN_JWKS: 'oidc_provider_unavailable',
};

/** Why a strategy run that did not succeed failed, as a reason code. */
export function failureReason(outcome: PassportOutcome, req: FlowRequest): LoginReason {
  const query = req.query as Record<string, unknown>;
  if (query.error === 'access_denied') return 'oidc_access_denied';
  if (query.error !== undefined) return 'oidc_provider_error';
  if (req.atriumOidc.stateRefusal) return 'oidc_state_mismatch';
  if (outcome.kind === 'fail') {
    const message = (outcome.info as { message?: string } | undefined)?.message ?? '';
    return STRATEGY_FAILURES[message] ?? 'oidc_claims_invalid';
  }
  if (outcome.kind !== 'error') return 'oidc_provider_error';
  const error = outcome.error as { name?: string; code?: string; message?: string };
  if (isAuthError(error)) return TOKEN_REASONS[error.code] ?? 'oidc_claims_invalid';
  if (error.name === 'TokenError') return 'oidc_token_error';
  if (error.name === 'InternalOAuthError') return 'oidc_provider_unavailable';
  return 'oidc_claims_invalid';
}

const MESSAGES: Partial<Record<LoginReason, (name: string) => string>> = {
  oidc_state_mismatch: () =>
    'This sign-in was already used, has expired, or was started in another browser. Please start again.',
  oidc_access_denied: (name) => `Signing in at ${name} was cancelled.`,
  oidc_provider_unavailable: (name) => `${name} cannot be reached right now. Try again in a minute.`,
  oidc_token_error: (name) => `${name} did not complete the sign-in. Please start again.`,
  oidc_account_creation_disabled: (name) =>
    `Your ${name} account is not set up in Atrium yet. Ask an admin of this Atrium cluster to create it, then sign in again.`,
  account_disabled: () => 'This Atrium account is disabled. Ask an admin of this Atrium cluster.',
  login_disabled: () => 'This Atrium account may not sign in. Ask an admin of this Atrium cluster.',
};

const STATUS: Partial<Record<LoginReason, number>> = {
  oidc_state_mismatch: 400,
  oidc_provider_unavailable: 503,
  oidc_account_creation_disabled: 403,
  account_disabled: 403,
  login_disabled: 403,
};

const NO_RETRY = new Set<LoginReason>([
  'oidc_account_creation_disabled',
  'account_disabled',
  'login_disabled',
]);

/** Where the browser goes once the first factor passed. */
export function nextPage(next: NextStep, interaction: string | null): string {
  const query = interaction ? `?interaction=${encodeURIComponent(interaction)}` : '';
  if (next === 'totp') return `/signin/totp${query}`;
  if (next === 'enrol_totp') return `/signin/enrol${query}`;
  return interaction ? `/interaction/${encodeURIComponent(interaction)}` : '/chooser';
}

/**
 * Sign-in through an organization's OIDC provider: the start redirects to the provider with state,
 * nonce and PKCE; the callback lets the strategy redeem the code, verifies the ID token with jose,
 * links the account by (issuer, sub), refreshes its groups, and opens a portal session (amr `fed`).
 * Every attempt goes to the sign-in audit with its reason; the person sees a short page.
 */
@Injectable()
export class OidcSignInService {
  constructor(
    private readonly registry: OidcProviderRegistry,
    private readonly federated: FederatedAccountService,
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
    private readonly throttle: ThrottleService,
    private readonly logins: LoginAuditService,
    private readonly clock: Clock,
    private readonly accounts: AccountRepository,
  ) {
    registry.onVerify(async (req, idToken) => {
      const flow = req.atriumOidc;
      const config = this.registry.find(flow.providerId)!;
      const ready = await this.registry.ready(config);
      if (!flow.nonce) throw new PortalError('ERR_UPSTREAM_SIGN_IN', 'no nonce for this sign-in', 400);
      const claims = await verifyUpstreamIdToken(idToken, ready.keys, {
        issuer: config.issuer,
        clientId: config.clientId,
        algorithms: config.algorithms,
        nonce: flow.nonce,
        now: this.clock.now(),
      });
      return { claims };
    });
  }

  /**
   * RP-initiated logout at the provider a session signed in through (`amr` fed), when it offers
   * an end_session_endpoint; back to the portal's sign-in page afterwards.
   */
  async endSessionUrl(session: PortalSessionEntity): Promise<string | null> {
    if (!session.amr.includes('fed')) return null;
    const account = await this.accounts.findById(session.accountId);
    const config = this.registry.list().find((p) => p.issuer === account?.authIssuer);
    if (!config) return null;
    const ready = await this.registry.ready(config).catch(() => undefined);
    if (!ready?.metadata.endSessionEndpoint) return null;
    const url = new URL(ready.metadata.endSessionEndpoint);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('post_logout_redirect_uri', `${this.registry.publicUrl}/signin`);
    return url.href;
  }

  /** The providers as the sign-in page lists them. */
  buttons(): { id: string; name: string }[] {
    return this.registry.list().map((p) => ({ id: p.id, name: p.name }));
  }

  provider(id: string): OidcProviderConfig {
    const config = this.registry.find(id);
    if (!config)
      throw new PortalError(
        'ERR_PROVIDER_NOT_FOUND',
        `no sign-in provider named ${JSON.stringify(id.slice(0, 40))}`,
        404,
      );
    return config;
  }

  async start(config: OidcProviderConfig, interaction: unknown, req: Request, res: Response): Promise<void> {
    if (interaction !== undefined && (typeof interaction !== 'string' || !UID.test(interaction)))
      throw new PortalError('ERR_UPSTREAM_SIGN_IN', 'interaction is not a sign-in of this portal', 400);
    const meta = requestMeta(req);
    const ready = await this.ready(config, meta);
    if (!ready) return this.refuse(res, config, 'oidc_provider_unavailable');
    const binding = this.binding(req, res);
    const flow = {
      providerId: config.id,
      binding,
      interaction: (interaction as string | undefined) ?? null,
      verifier: '',
    };
    Object.assign(req, { atriumOidc: flow });
    const outcome = await runPassport(ready.strategy, req, res);
    if (outcome.kind !== 'redirect')
      throw (outcome as { error?: unknown }).error ?? new Error('the sign-in did not start');
  }

  async callback(config: OidcProviderConfig, req: Request, res: Response): Promise<void> {
    const meta = requestMeta(req);
    const query = req.query as Record<string, unknown>;
    const attempt = { method: 'oidc' as const, provider: config.id, username: '', meta };
    const address = `login:address:${meta.ip ?? 'unknown'}`;
    if (!isShortString(query.code) && !isShortString(query.error))
      throw new PortalError(
        'ERR_UPSTREAM_SIGN_IN',
        `this address is only reached from ${config.name}'s sign-in`,
        400,
      );
    await this.signIn.throttled(attempt, () => this.throttle.attempt([], [address]));
    const ready = await this.ready(config, meta);
    if (!ready) return this.refuse(res, config, 'oidc_provider_unavailable');
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[BINDING_COOKIE];
    const flow = {
      providerId: config.id,
      binding: typeof cookie === 'string' ? cookie : '',
      interaction: null,
      verifier: '',
    };
    const flowReq = Object.assign(req, { atriumOidc: flow }) as FlowRequest;
    const outcome = await runPassport(ready.strategy, req, res);
    if (outcome.kind !== 'success') {
      const reason = failureReason(outcome, flowReq);
      await this.logins.record({ ...attempt, result: 'failure', reason });
      await this.throttle.fail(address, ADDRESS_POLICY);
      return this.refuse(res, config, reason, flowReq.atriumOidc.interaction);
    }
    const { claims } = outcome.user as { claims: Record<string, unknown> };
    const identity = upstreamIdentity(config, claims, this.registry.list().length === 1);
    const result = await this.federated.signIn(identity);
    if ('refused' in result) {
      await this.logins.record({
        ...attempt,
        username: result.account?.username ?? identity.usernameHint,
        accountId: result.account?.id ?? null,
        result: 'failure',
        reason: result.refused,
      });
      return this.refuse(res, config, result.refused);
    }
    const step = await this.signIn.start(result.account, ['fed'], {
      ...attempt,
      username: result.account.username,
      reason: identity.groupsClaimMissing ? 'oidc_no_groups_claim' : null,
    });
    const { name, options } = this.sessions.cookie();
    res.cookie(name, step.token, {
      ...options,
      maxAge: step.session.expiresAt.getTime() - this.clock.now().getTime(),
    });
    res.redirect(303, nextPage(step.next, flowReq.atriumOidc.interaction));
  }

  private async ready(config: OidcProviderConfig, meta: ReturnType<typeof requestMeta>) {
    try {
      return await this.registry.ready(config);
    } catch (error) {
      if (!(error instanceof PortalError)) throw error;
      await this.logins.record({
        method: 'oidc',
        provider: config.id,
        username: '',
        meta,
        result: 'failure',
        reason: 'oidc_provider_unavailable',
      });
      return undefined;
    }
  }

  /** One random binding per browser, reused by sign-ins started in several tabs. */
  private binding(req: Request, res: Response): string {
    const current = (req.cookies as Record<string, unknown> | undefined)?.[BINDING_COOKIE];
    const value =
      typeof current === 'string' && /^[A-Za-z0-9_-]{43}$/.test(current) ? current : generateSecretToken();
    res.cookie(BINDING_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.sessions.cookie().options.secure,
      path: '/auth/oidc',
      maxAge: STATE_TTL_MS,
    });
    return value;
  }

  private refuse(
    res: Response,
    config: OidcProviderConfig,
    reason: LoginReason,
    interaction?: string | null,
  ): void {
    const message =
      MESSAGES[reason]?.(config.name) ??
      `${config.name} sent an answer Atrium cannot trust, so you were not signed in. If this keeps happening, tell your admin.`;
    const retry = `/auth/oidc/${config.id}${interaction ? `?interaction=${encodeURIComponent(interaction)}` : ''}`;
    refusalPage(res, STATUS[reason] ?? 401, {
      title:
        reason === 'oidc_account_creation_disabled' ? 'Ask your admin' : `Sign-in with ${config.name} failed`,
      message,
      reason,
      retry: NO_RETRY.has(reason) ? undefined : retry,
    });
  }
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 4096;
}

function requestMeta(req: Request) {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}
