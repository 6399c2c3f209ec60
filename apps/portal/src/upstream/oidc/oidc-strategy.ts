import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import {
  Strategy as OpenIdConnectStrategy,
  type OAuth2Client,
  type StateStore,
} from 'passport-openidconnect';
import { codeChallengeS256, digestSecret, generateCodeVerifier, generateSecretToken } from '@atrium/auth';
import type { Clock } from '../../common/clock.js';
import type { UpstreamRepository } from '../../repositories/upstream.repository.js';
import type { OidcProviderConfig } from './oidc-config.js';

/** A started sign-in lives this long at the provider before its answer is refused. */
export const STATE_TTL_MS = 10 * 60_000;

/** What one request of an OIDC sign-in carries between the portal's code and the strategy. */
export interface OidcFlow {
  providerId: string;
  /** The browser's binding cookie value (set when the sign-in starts). */
  binding: string;
  /** The issuer interaction to resume, from the start request or the stored state. */
  interaction: string | null;
  /** PKCE verifier: made at the start, read back from the stored state at the callback. */
  verifier: string;
  /** The nonce the ID token must echo, read back from the stored state. */
  nonce?: string;
  /** Why the state was refused, when it was. */
  stateRefusal?: string;
}

export type FlowRequest = Request & { atriumOidc: OidcFlow };

/** The discovered endpoints a strategy is built from. */
export interface ProviderEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

/**
 * State in Postgres (any replica may receive the answer): the `state` handle is random and stored
 * as a digest with the nonce, the PKCE verifier and the browser binding; it is consumed by the
 * first answer, so a replayed one finds nothing. The strategy's own session store is not used.
 */
export class PostgresStateStore implements StateStore {
  constructor(
    private readonly states: UpstreamRepository,
    private readonly clock: Clock,
  ) {}

  store(
    req: Request,
    ctx: { nonce?: string },
    _appState: unknown,
    _meta: unknown,
    cb: (err: Error | null, handle?: string) => void,
  ): void {
    const flow = (req as FlowRequest).atriumOidc;
    const handle = generateSecretToken();
    const now = this.clock.now();
    this.states
      .saveState({
        id: digestSecret(handle),
        providerId: flow.providerId,
        nonce: ctx.nonce!,
        codeVerifier: flow.verifier,
        binding: digestSecret(flow.binding),
        interaction: flow.interaction,
        createdAt: now,
        expiresAt: new Date(now.getTime() + STATE_TTL_MS),
      })
      .then(
        () => cb(null, handle),
        (error: Error) => cb(error),
      );
  }

  verify(
    req: Request,
    handle: unknown,
    cb: (err: Error | null, ctx?: object | false, info?: unknown) => void,
  ): void {
    const flow = (req as FlowRequest).atriumOidc;
    const refuse = (why: string) => {
      flow.stateRefusal = why;
      cb(null, false, { message: why });
    };
    if (typeof handle !== 'string' || handle.length === 0 || handle.length > 200) return refuse('no state');
    this.states.consumeState(digestSecret(handle)).then(
      (state) => {
        if (!state) return refuse('unknown or already used state');
        if (state.providerId !== flow.providerId) return refuse('state of another provider');
        if (state.expiresAt.getTime() <= this.clock.now().getTime()) return refuse('expired state');
        if (!flow.binding || state.binding !== digestSecret(flow.binding))
          return refuse('state of another browser');
        Object.assign(flow, {
          nonce: state.nonce,
          verifier: state.codeVerifier,
          interaction: state.interaction,
        });
        // No nonce goes back to the strategy: the ID token's nonce is checked with jose, by verifyUpstreamIdToken.
        cb(null, {});
      },
      (error: Error) => cb(error),
    );
  }
}

/** What the verify callback hands back as the strategy's "user". */
export interface VerifiedUpstream {
  claims: Record<string, unknown>;
}

export type VerifyIdToken = (req: FlowRequest, idToken: string) => Promise<VerifiedUpstream>;

/**
 * passport-openidconnect 0.1.2 through @nestjs/passport, with what it lacks added around it
 * (docs/contracts.md §4): PKCE S256 on both legs, state in Postgres, and the ID token verified with
 * jose against the provider's JWKS in the verify callback (the strategy itself only decodes it).
 * One class per provider, because the mixin registers each class under one passport name.
 */
export function oidcStrategyClass(passportName: string) {
  class UpstreamOidcStrategy extends PassportStrategy(OpenIdConnectStrategy, passportName, 6) {
    constructor(
      config: OidcProviderConfig,
      endpoints: ProviderEndpoints,
      callbackURL: string,
      store: PostgresStateStore,
      private readonly verifyIdToken: VerifyIdToken,
    ) {
      super({
        issuer: config.issuer,
        authorizationURL: endpoints.authorizationEndpoint,
        tokenURL: endpoints.tokenEndpoint,
        clientID: config.clientId,
        clientSecret: config.clientSecret,
        callbackURL,
        scope: config.scopes,
        nonce: true,
        store,
        passReqToCallback: true,
        skipUserProfile: true,
      });
    }

    /** Receives (req, iss, profile, context, idToken) from the strategy once it decoded the token. */
    validate(req: FlowRequest, _issuer: string, _profile: unknown, _context: unknown, idToken: string) {
      return this.verifyIdToken(req, idToken);
    }

    // `this` is a per-request copy (passport's Object.create), so shadowing _oauth2 here adds the
    // verifier to this request's token exchange only.
    override authenticate(req: Request, options: Record<string, unknown> = {}): void {
      const flow = (req as FlowRequest).atriumOidc;
      const query = req.query as Record<string, unknown>;
      if (query.code === undefined && query.error === undefined) {
        flow.verifier = generateCodeVerifier();
        super.authenticate(req, { ...options, codeChallenge: codeChallengeS256(flow.verifier) });
        return;
      }
      const shared: OAuth2Client = this._oauth2;
      this._oauth2 = Object.create(shared, {
        getOAuthAccessToken: {
          value: (
            code: string,
            params: Record<string, string>,
            done: Parameters<OAuth2Client['getOAuthAccessToken']>[2],
          ) => shared.getOAuthAccessToken(code, { ...params, code_verifier: flow.verifier }, done),
        },
      }) as OAuth2Client;
      super.authenticate(req, options);
    }

    override authorizationParams(options: { codeChallenge?: string }): Record<string, string> {
      return { code_challenge: options.codeChallenge!, code_challenge_method: 'S256' };
    }
  }
  return UpstreamOidcStrategy;
}
