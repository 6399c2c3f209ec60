import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { AccountClaims, AdapterFactory, ClientMetadata, Configuration, JWK } from 'oidc-provider';
import type { CookieJar } from './cookie-jar.js';
import { handleInteraction } from './oidc-interactions.js';
import { driveOidcLogin } from './oidc-login.js';
import { tamperTokenResponse, type IdTokenTamper } from './oidc-tamper.js';

/** A person at the organization's IdP. */
export interface OidcUser {
  sub: string;
  username: string;
  password: string;
  email?: string;
  name?: string;
  /** Sent in the groups claim; the claim is left out when undefined. */
  groups?: string[];
}

/** Options for {@link startOidcProvider}. */
export interface OidcProviderOptions {
  users?: OidcUser[];
  /** Registered clients; `token_endpoint_auth_method` defaults to `client_secret_post` with a secret, else `none`. */
  clients?: ClientMetadata[];
  /** Name of the groups claim (`groups` by default). */
  groupsClaim?: string;
  /** Scope that releases the groups claim; `openid` (the default) sends it to every client. */
  groupsScope?: string;
  /** Require PKCE from every client (default true). */
  requirePkce?: boolean;
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

/** A running test IdP. */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  /** Base URL of the IdP (equal to the issuer). */
  url: string;
  /** `<issuer>/.well-known/openid-configuration` */
  discoveryUrl: string;
  /** The oidc-provider instance, for tests that need more. */
  provider: Provider;
  addClient(client: ClientMetadata): Promise<void>;
  addUser(user: OidcUser): void;
  /** Set to make the token endpoint send a tampered ID token (hostile tests); undefined is honest. */
  tamper: IdTokenTamper | undefined;
  /**
   * Signs `username` in through the IdP's login form over HTTP, starting at an authorization URL,
   * and resolves to the URL the IdP redirects back to (the client's redirect_uri with code/state).
   */
  login(
    authorizationUrl: string | URL,
    credentials: { username: string; password: string; jar?: CookieJar },
  ): Promise<URL>;
  stop(): Promise<void>;
}

// Fixed, short lifetimes; oidc-provider logs a notice for every default it has to fall back to.
const TTL = {
  AccessToken: 3_600,
  AuthorizationCode: 60,
  ClientCredentials: 600,
  IdToken: 3_600,
  Interaction: 600,
  RefreshToken: 86_400,
  Session: 86_400,
  Grant: 86_400,
};

let signingKey: Promise<JWK> | undefined;

/** One RSA key per process: RS256 is what relying parties accept by default. */
function rsaSigningKey(): Promise<JWK> {
  signingKey ??= new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) reject(error);
      else
        resolve({
          ...privateKey.export({ format: 'jwk' }),
          kid: randomUUID(),
          alg: 'RS256',
          use: 'sig',
        } as JWK);
    });
  });
  return signingKey;
}

function withClientDefaults(client: ClientMetadata): ClientMetadata {
  return {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: client.client_secret === undefined ? 'none' : 'client_secret_post',
    ...client,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function claimsConfig(groupsClaim: string, groupsScope: string): Record<string, string[]> {
  const claims: Record<string, string[]> = {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  };
  claims[groupsScope] = [...(claims[groupsScope] ?? []), groupsClaim];
  return claims;
}

function claimsOf(user: OidcUser, groupsClaim: string): AccountClaims {
  return {
    sub: user.sub,
    preferred_username: user.username,
    ...(user.name === undefined ? {} : { name: user.name }),
    ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
    ...(user.groups === undefined ? {} : { [groupsClaim]: user.groups }),
  };
}

async function configuration(
  options: OidcProviderOptions,
  users: Map<string, OidcUser>,
  adapter: AdapterFactory,
): Promise<Configuration> {
  const groupsClaim = options.groupsClaim ?? 'groups';
  const groupsScope = options.groupsScope ?? 'openid';
  const requirePkce = options.requirePkce ?? true;
  return {
    adapter,
    clients: (options.clients ?? []).map(withClientDefaults),
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      return user && { accountId: sub, claims: () => claimsOf(user, groupsClaim) };
    },
    claims: claimsConfig(groupsClaim, groupsScope),
    scopes: [...new Set(['openid', 'offline_access', 'email', 'profile', groupsScope])],
    // Put scope claims in the ID token too, as common IdPs do: relying parties read groups there.
    conformIdTokenClaims: false,
    pkce: { required: () => requirePkce },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [await rsaSigningKey()] },
    ttl: TTL,
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>${escapeHtml(out.error)}</title><h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description ?? '')}</p>`;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Starts panva's oidc-provider in-process on 127.0.0.1 as an organization's IdP: password login
 * through a plain HTML form, auto-consent, PKCE, RS256 ID tokens with a groups claim.
 */
export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const users = new Map((options.users ?? []).map((user) => [user.sub, user]));
  const verify = (username: string, password: string) =>
    [...users.values()].find((user) => user.username === username && user.password === password)?.sub;

  // Listen first: the issuer URL, which the provider needs, contains the port.
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  // Loaded on first use: oidc-provider is heavy and warns about Node 20 as soon as it is imported.
  const [{ default: OidcProvider }, { createMemoryAdapter }] = await Promise.all([
    import('oidc-provider'),
    import('oidc-provider/lib/adapters/memory_adapter.js'),
  ]);
  const adapter = createMemoryAdapter();
  const provider = new OidcProvider(issuer, await configuration(options, users, adapter));
  const callback = provider.callback();
  const key = await rsaSigningKey();
  const handle: { tamper: IdTokenTamper | undefined } = { tamper: undefined };
  const handler: RequestListener = (req, res) => {
    if (handle.tamper && req.method === 'POST' && req.url?.split('?')[0] === '/token')
      tamperTokenResponse(res, handle.tamper, key);
    void handleInteraction(provider, verify, req, res).then((handled) => {
      if (!handled) void callback(req, res);
    });
  };
  server.on('request', handler);

  return {
    issuer,
    url: issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    provider,
    async addClient(client) {
      const metadata = withClientDefaults(client);
      await provider.Client.validate(metadata);
      await adapter('Client').upsert(metadata.client_id, metadata);
    },
    addUser(user) {
      users.set(user.sub, user);
    },
    get tamper() {
      return handle.tamper;
    },
    set tamper(value) {
      handle.tamper = value;
    },
    login: (authorizationUrl, credentials) => driveOidcLogin(authorizationUrl, credentials),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
