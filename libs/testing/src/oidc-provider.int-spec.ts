import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';
import { HarnessError } from './errors.js';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const alice = {
  sub: 'alice-sub',
  username: 'alice',
  password: 'alice-pw',
  email: 'alice@example.test',
  name: 'Alice Example',
  groups: ['photographers', 'family'],
};

async function relyingParty(
  idp: TestOidcProvider,
  clientId: string,
  secret: string,
): Promise<client.Configuration> {
  return client.discovery(new URL(idp.issuer), clientId, secret, undefined, {
    // The test IdP speaks plain http on loopback.
    execute: [client.allowInsecureRequests],
  });
}

async function authorize(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

describe('startOidcProvider', () => {
  let idp: TestOidcProvider;
  beforeAll(async () => {
    idp = await startOidcProvider({
      users: [alice, { sub: 'bob-sub', username: 'bob', password: 'bob-pw' }],
      clients: [{ client_id: 'portal', client_secret: 'portal-secret', redirect_uris: [REDIRECT_URI] }],
    });
  });
  afterAll(() => idp.stop());

  it('publishes discovery metadata for its issuer', async () => {
    const metadata = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.claims_supported).toContain('groups');
  });

  it('runs a code + PKCE flow over HTTP and puts the groups claim in the ID token', async () => {
    const config = await relyingParty(idp, 'portal', 'portal-secret');
    const { url, verifier, state, nonce } = await authorize(config);
    const callback = await idp.login(url, { username: 'alice', password: 'alice-pw' });
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: 'portal',
      sub: 'alice-sub',
      email: 'alice@example.test',
      preferred_username: 'alice',
      groups: ['photographers', 'family'],
    });
  });

  it('omits the groups claim for a user without groups', async () => {
    const config = await relyingParty(idp, 'portal', 'portal-secret');
    const { url, verifier, state, nonce } = await authorize(config);
    const callback = await idp.login(url, { username: 'bob', password: 'bob-pw' });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.sub).toBe('bob-sub');
    expect(tokens.claims()).not.toHaveProperty('groups');
  });

  it('refuses wrong credentials, and a request without PKCE', async () => {
    const config = await relyingParty(idp, 'portal', 'portal-secret');
    for (const password of ['wrong', '', 'ALICE-PW']) {
      const { url } = await authorize(config);
      const error = await idp.login(url, { username: 'alice', password }).catch((caught: unknown) => caught);
      expect((error as HarnessError).code, password).toBe('ERR_OIDC_LOGIN_REJECTED');
    }
    const withoutPkce = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid' });
    const denied = await idp.login(withoutPkce, { username: 'alice', password: 'alice-pw' });
    expect(denied.searchParams.get('error')).toBe('invalid_request');
  });

  it('keeps the IdP session in a jar, and serves clients added later with a custom claim name', async () => {
    const other = await startOidcProvider({ users: [alice], groupsClaim: 'roles' });
    try {
      await other.addClient({
        client_id: 'late',
        client_secret: 'late-secret',
        redirect_uris: [REDIRECT_URI],
      });
      const config = await relyingParty(other, 'late', 'late-secret');
      const jar = new CookieJar();
      const first = await authorize(config);
      await other.login(first.url, { username: 'alice', password: 'alice-pw', jar });
      const second = await authorize(config);
      const callback = await other.login(second.url, { username: 'nobody', password: 'unused', jar });
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
        expectedNonce: second.nonce,
      });
      expect(tokens.claims()).toMatchObject({ sub: 'alice-sub', roles: ['photographers', 'family'] });
      expect(tokens.claims()).not.toHaveProperty('groups');
    } finally {
      await other.stop();
    }
  });
});
