import {
  errors,
  interactionPolicy,
  type Configuration,
  type FindAccount,
  type KoaContextWithOIDC,
  type Grant,
} from 'oidc-provider';
import type { SigningJwk } from '@atrium/auth';
import { errorPage, logoutPage, signedOutPage } from './pages.js';

/** The scopes instances ask for (docs/contracts.md §1); there is no `offline_access`: no refresh tokens. */
export const SCOPES = ['openid', 'profile', 'email', 'atrium'];

export const ATRIUM_CLAIMS = [
  'atrium_role',
  'atrium_groups',
  'atrium_base_path',
  'atrium_upload_path',
  'atrium_webdav',
];

/** Every claim of the ID token, as discovery lists them. */
export const CLAIMS_SUPPORTED = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'sid',
  'amr',
  'name',
  'email',
  'email_verified',
  'preferred_username',
  ...ATRIUM_CLAIMS,
];

/** Lifetimes in seconds (docs/contracts.md §1). */
export const LIFETIMES = { code: 60, idToken: 600, accessToken: 600, interaction: 600 };

/** Issuer endpoints live under /oidc, beside the portal's pages and API on the same origin. */
export const ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  end_session: '/oidc/session/end',
};

export interface IssuerHooks {
  findAccount: FindAccount;
  /** True when the request carries no full portal session of the issuer session's account. */
  needsPortalSignIn(ctx: KoaContextWithOIDC): Promise<boolean>;
  /** Checks access to the client's instance (throwing `access_denied`) and returns the grant to use. */
  loadGrant(ctx: KoaContextWithOIDC): Promise<Grant>;
}

export interface IssuerConfigOptions {
  keys: SigningJwk[];
  adapter: Configuration['adapter'];
  cookieKeys: string[];
  sessionTtlSeconds: number;
  hooks: IssuerHooks;
}

/** The login prompt also asks for sign-in when the portal session behind the issuer's session is gone. */
function policy(hooks: IssuerHooks) {
  const prompts = interactionPolicy.base();
  const login = prompts.get('login')!;
  login.checks.add(
    new interactionPolicy.Check(
      'portal_session',
      'the portal session ended or belongs to another account',
      async (ctx) =>
        (await hooks.needsPortalSignIn(ctx))
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return prompts;
}

/**
 * oidc-provider configured as docs/contracts.md §1 says. Each setting that differs from the library's
 * default carries the reason.
 */
export function issuerConfiguration(options: IssuerConfigOptions): Configuration {
  const { hooks } = options;
  return {
    adapter: options.adapter,
    jwks: { keys: options.keys as never },
    findAccount: hooks.findAccount,
    // Claims go into the ID token itself: instances read them there, not at userinfo.
    conformIdTokenClaims: false,
    claims: {
      // amr and auth_time belong in every ID token, so they ride on the openid scope.
      openid: ['sub', 'amr', 'auth_time'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      atrium: ATRIUM_CLAIMS,
      amr: null,
      auth_time: null,
      sid: null,
    },
    scopes: SCOPES,
    responseTypes: ['code'],
    // Generic relying parties send the secret either way; both compare it against the stored digest.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA', 'RS256'] },
    // PKCE S256 for every client, confidential ones included.
    pkce: { required: () => true },
    // OIDC requires redirect_uri; it must match a registered one exactly, never be implied.
    allowOmittingSingleRegisteredRedirectUri: false,
    issueRefreshToken: async () => false,
    ttl: {
      AuthorizationCode: LIFETIMES.code,
      IdToken: LIFETIMES.idToken,
      AccessToken: LIFETIMES.accessToken,
      Interaction: LIFETIMES.interaction,
      Session: options.sessionTtlSeconds,
      Grant: options.sessionTtlSeconds,
    },
    routes: ROUTES,
    cookies: {
      names: { session: 'atrium-op', interaction: 'atrium-op-interaction', resume: 'atrium-op-resume' },
      keys: options.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: policy(hooks),
    },
    loadExistingGrant: hooks.loadGrant,
    renderError: async (ctx, out) => errorPage(ctx, out),
    features: {
      // The portal's own pages sign people in; the library's development screens stay off.
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => logoutPage(ctx, form),
        postLogoutSuccessSource: async (ctx) => signedOutPage(ctx),
      },
      userinfo: { enabled: true },
      // Not part of the contract, so not offered: fewer ways in.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: false },
    },
  };
}

/** Discovery states exactly what docs/contracts.md §1 lists, whatever the library would advertise. */
export function pinDiscovery(body: Record<string, unknown>): void {
  Object.assign(body, {
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: ['EdDSA', 'RS256'],
    request_uri_parameter_supported: false,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    claims_supported: CLAIMS_SUPPORTED,
    scopes_supported: SCOPES,
  });
}

export const accessDenied = () => new errors.AccessDenied('you have no access to this library; ask an admin');
