import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { remoteJwks, verifyLogoutToken, type LogoutTokenClaims, type RemoteJwks } from '@atrium/auth';
import type { InstanceConfig } from '../config.js';
import { InstanceError } from '../common/errors.js';
import { NodeIdentityService } from './node-identity.service.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

/** The scopes an instance asks for (docs/contracts.md §1). */
export const SCOPES = 'openid profile email atrium';
const PORTAL_TIMEOUT_S = 10;

/** What the authorization request carries besides the fixed parameters. */
export interface AuthorizationRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** `prompt=none`: a silent sign-in after the instance session lapsed. */
  silent: boolean;
}

/** The portal's directory answer (docs/contracts.md §3). */
export interface DirectoryAnswer {
  users: Array<{ sub: string; username: string; name: string | null }>;
  groups: Array<{ name: string }>;
}

/** A verified ID token from the code exchange. */
export interface SignInResult {
  claims: Record<string, unknown> & { sub: string };
  idToken: string;
}

/**
 * The instance as a standard relying party of its portal (docs/contracts.md §2), over openid-client:
 * discovery from PORTAL_URL, code + PKCE + nonce + state, the ID token's signature checked with the
 * algorithm pinned to the node's registration, RP-initiated logout; and logout tokens checked with
 * the same cached JWKS.
 */
@Injectable()
export class PortalClient {
  private readonly logger = new Logger('portal-client');
  private configuration?: Promise<oidc.Configuration>;
  private jwks?: RemoteJwks;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly identity: NodeIdentityService,
  ) {}

  get redirectUri(): string {
    return `${this.config.publicUrl}/auth/callback`;
  }

  get postLogoutRedirectUri(): string {
    return `${this.config.publicUrl}/`;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const config = await this.discover();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      state: request.state,
      nonce: request.nonce,
      ...(request.silent ? { prompt: 'none' } : {}),
    });
  }

  /** Redeems the code of `callbackUrl`; throws `ERR_AUTH_CALLBACK` for anything that does not check out. */
  async redeem(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<SignInResult> {
    const config = await this.discover();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw new Error('no ID token');
      return { claims: claims as SignInResult['claims'], idToken: tokens.id_token };
    } catch (error) {
      this.logger.warn(`sign-in refused: ${(error as Error).message}`);
      throw new InstanceError('ERR_AUTH_CALLBACK', 'the sign-in response did not check out', 400);
    }
  }

  /** Where the browser goes to end its portal session after the instance session ended. */
  async endSessionUrl(idTokenHint: string | undefined): Promise<URL> {
    const config = await this.discover();
    const { clientId } = await this.identity.current();
    return oidc.buildEndSessionUrl(config, {
      client_id: clientId,
      post_logout_redirect_uri: this.postLogoutRedirectUri,
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    });
  }

  /** Verifies a back-channel logout token exactly as the spec says; `rememberJti` refuses replays. */
  async verifyLogoutToken(
    token: string,
    rememberJti: (jti: string, expiresAt: Date) => Promise<boolean>,
  ): Promise<LogoutTokenClaims> {
    const config = await this.discover();
    const { clientId } = await this.identity.current();
    return verifyLogoutToken(token, this.jwks!, {
      issuer: config.serverMetadata().issuer,
      audience: clientId,
      algorithms: [this.config.idTokenAlg],
      rememberJti,
    });
  }

  /**
   * People and groups with access to this library, for sharing (docs/contracts.md §3), asked of the portal
   * with the node's own credentials.
   */
  async directory(q: string, limit = 50): Promise<DirectoryAnswer> {
    const { clientId, clientSecret } = await this.identity.current();
    const url = new URL('/api/cluster/directory', this.config.portalUrl);
    url.searchParams.set('q', q);
    url.searchParams.set('limit', String(limit));
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        signal: AbortSignal.timeout(PORTAL_TIMEOUT_S * 1000),
      });
    } catch (error) {
      this.logger.warn(`portal directory failed: ${(error as Error).message}`);
      throw new InstanceError(
        'ERR_PORTAL_UNAVAILABLE',
        'the portal cannot be reached; try again shortly',
        503,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      this.logger.warn(`portal directory answered ${res.status}`);
      throw new InstanceError(
        'ERR_PORTAL_UNAVAILABLE',
        'the portal did not answer the directory request',
        503,
      );
    }
    const body = (await res.json()) as Partial<DirectoryAnswer>;
    return {
      users: (body.users ?? []).map((u) => ({ sub: u.sub, username: u.username, name: u.name ?? null })),
      groups: (body.groups ?? []).map((g) => ({ name: g.name })),
    };
  }

  /**
   * Asks the portal's node API whether an app password is good for this node (docs/contracts.md §3);
   * the answer as sent, `{ active: false }` for anything but a checked yes.
   */
  async verifyAppPassword(username: string, password: string): Promise<Record<string, unknown>> {
    const { clientId, clientSecret } = await this.identity.current();
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(new URL('/api/cluster/app-passwords/verify', this.config.portalUrl), {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        signal: AbortSignal.timeout(PORTAL_TIMEOUT_S * 1000),
      });
    } catch (error) {
      this.logger.warn(`app-password check failed: ${(error as Error).message}`);
      throw new InstanceError('ERR_PORTAL_UNAVAILABLE', 'the portal cannot be reached; try again shortly', 503);
    }
    if (res.status === 400) return { active: false };
    if (res.status === 429)
      throw new InstanceError('ERR_WEBDAV_THROTTLED', 'too many failed sign-ins; wait and try again', 429, {
        retryAfter: Number(res.headers.get('retry-after') ?? 60) || 60,
      });
    if (!res.ok) {
      this.logger.warn(`app-password check answered ${res.status}`);
      throw new InstanceError('ERR_PORTAL_UNAVAILABLE', 'the portal cannot be reached; try again shortly', 503);
    }
    const body = (await res.json()) as Record<string, unknown>;
    return body.active === true ? body : { active: false };
  }

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= this.load().catch((error: unknown) => {
      this.configuration = undefined;
      if (error instanceof InstanceError) throw error;
      this.logger.warn(`portal discovery failed: ${(error as Error).message}`);
      throw new InstanceError(
        'ERR_PORTAL_UNAVAILABLE',
        'the portal cannot be reached; try again shortly',
        503,
      );
    });
    return this.configuration;
  }

  private async load(): Promise<oidc.Configuration> {
    const { clientId, clientSecret } = await this.identity.current();
    const insecure = new URL(this.config.portalUrl).protocol === 'http:';
    const config = await oidc.discovery(
      new URL(this.config.portalUrl),
      clientId,
      // The algorithm is pinned: an ID token signed with anything else is refused.
      { id_token_signed_response_alg: this.config.idTokenAlg },
      oidc.ClientSecretBasic(clientSecret),
      { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: PORTAL_TIMEOUT_S },
    );
    // Tokens from the token endpoint are trusted by TLS alone unless asked: check the signature too.
    oidc.enableNonRepudiationChecks(config);
    const jwksUri = config.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error('the portal publishes no jwks_uri');
    // docs/contracts.md §2: JWKS cached, refetched on an unknown kid at most once a minute; §1: 5 min cache.
    this.jwks = remoteJwks(jwksUri, { timeoutMs: PORTAL_TIMEOUT_S * 1000 });
    return config;
  }
}
