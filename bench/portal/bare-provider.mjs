// The baseline: oidc-provider alone, as its README sets it up — memory adapter, one static client,
// every request granted, no portal around it. Run as its own process: node bare-provider.mjs PORT JSON
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [port, clientJson] = process.argv.slice(2);
const client = JSON.parse(clientJson);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [`${client.url}/auth/callback`],
      id_token_signed_response_alg: 'EdDSA',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [client.jwk] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: sub, preferred_username: sub }),
  }),
  claims: { openid: ['sub', 'amr', 'auth_time'], profile: ['name', 'preferred_username'] },
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'atrium'],
  responseTypes: ['code'],
  pkce: { required: () => true },
  ttl: {
    AccessToken: 600,
    IdToken: 600,
    AuthorizationCode: 60,
    Session: 43_200,
    Grant: 43_200,
    Interaction: 600,
  },
  cookies: { keys: ['bench-cookie-key'] },
  routes: {
    authorization: '/oidc/auth',
    token: '/oidc/token',
    userinfo: '/oidc/userinfo',
    jwks: '/oidc/jwks',
    end_session: '/oidc/session/end',
  },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    dPoP: { enabled: false },
  },
  enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.session.accountId,
      clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope('openid profile email atrium');
    await grant.save();
    return grant;
  },
});

const handler = provider.callback();
createServer(async (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    // Everyone signs in as the user named by the browser's cookie, at once.
    const user = /bench_user=([a-z0-9]+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'bench';
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  handler(req, res);
}).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
