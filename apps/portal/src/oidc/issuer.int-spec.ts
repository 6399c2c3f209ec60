import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '@atrium/testing';
import { authorize, PortalHarness, type NodeCreds } from '../test/harness.js';

let portal: PortalHarness;
let family: NodeCreds;

beforeAll(async () => {
  portal = await PortalHarness.start();
  family = await portal.addNode('family');
});

afterAll(async () => {
  await portal?.stop();
});

describe('the issuer', () => {
  it('publishes discovery exactly as CONTRACTS §1 states', async () => {
    const res = await fetch(`${portal.url}/.well-known/openid-configuration`);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(portal.url);
    expect(d).toMatchObject({
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      id_token_signing_alg_values_supported: ['EdDSA', 'RS256'],
      request_uri_parameter_supported: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    for (const endpoint of ['end_session_endpoint', 'userinfo_endpoint', 'jwks_uri']) expect(String(d[endpoint])).toMatch(new RegExp(`^${portal.url}/`));
    expect(d.claims_supported).toEqual(expect.arrayContaining(['sub', 'aud', 'auth_time', 'nonce', 'sid', 'amr', 'atrium_role', 'atrium_webdav']));
  });

  it('lets a standard relying party complete code + PKCE with the claims of §1', async () => {
    const ann = await portal.addUser('ann', { name: 'Ann Example', email: 'ann@example.org', groups: ['family'] });
    await portal.grants.grant({ username: 'ann', node: 'family', role: 'contributor', basePath: 'people/{username}', uploadPath: 'uploads/{username}' }, 'cli:test');
    const jar = new CookieJar();
    expect((await portal.signIn(jar, 'ann')).status).toBe(200);
    const rp = await portal.relyingParty(family);
    const redirectUri = `${family.url}/auth/callback`;
    const flow = await authorize(portal.url, jar, rp, redirectUri);
    expect(flow.location.searchParams.get('iss')).toBe(portal.url);
    const tokens = await client.authorizationCodeGrant(rp, flow.location, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: portal.url,
      sub: ann.id,
      aud: family.clientId,
      nonce: flow.nonce,
      name: 'Ann Example',
      email: 'ann@example.org',
      email_verified: false,
      preferred_username: 'ann',
      amr: ['pwd'],
      atrium_role: 'contributor',
      atrium_groups: ['family'],
      atrium_base_path: 'people/ann',
      atrium_upload_path: 'uploads/ann',
      atrium_webdav: false,
    });
    expect(typeof claims.sid).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(typeof claims.auth_time).toBe('number');
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
    expect(header.alg).toBe('EdDSA');
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBe(600);
  });
});
