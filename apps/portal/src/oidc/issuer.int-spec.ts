import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJwt } from '@atrium/auth';
import { CookieJar } from '@atrium/testing';
import { authorize, PortalHarness, redeem, signedIn, tokenRequest, type NodeCreds } from '../test/harness.js';

let portal: PortalHarness;
let family: NodeCreds;
let studio: NodeCreds;
let familyRp: client.Configuration;
let studioRp: client.Configuration;
const callback = (node: NodeCreds) => `${node.url}/auth/callback`;

beforeAll(async () => {
  portal = await PortalHarness.start();
  family = await portal.addNode('family');
  studio = await portal.addNode('studio');
  familyRp = await portal.relyingParty(family);
  studioRp = await portal.relyingParty(studio);
});

afterAll(async () => {
  await portal?.stop();
});

/** Signs `username` in and runs an authorization at `node`; returns where the browser ended up. */
async function authorizeAs(
  username: string,
  node: NodeCreds,
  rp: client.Configuration,
  extra: Record<string, string> = {},
) {
  const jar = await signedIn(portal, username);
  return { jar, flow: await authorize(portal.url, jar, rp, callback(node), extra) };
}

async function claimsOf(username: string, node: NodeCreds, rp: client.Configuration) {
  const { flow } = await authorizeAs(username, node, rp);
  return (await redeem(rp, flow)).claims()!;
}

describe('discovery', () => {
  it('states exactly what docs/contracts.md §1 lists', async () => {
    const d = (await (await fetch(`${portal.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(d.issuer).toBe(portal.url);
    expect(d).toMatchObject({
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['EdDSA', 'RS256'],
      request_uri_parameter_supported: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    for (const endpoint of ['end_session_endpoint', 'userinfo_endpoint', 'jwks_uri'])
      expect(String(d[endpoint]).startsWith(`${portal.url}/`)).toBe(true);
    expect(d.claims_supported).toEqual(
      expect.arrayContaining([
        'sub',
        'aud',
        'auth_time',
        'nonce',
        'sid',
        'amr',
        'atrium_role',
        'atrium_groups',
        'atrium_webdav',
      ]),
    );
  });
});

describe('claims and access resolution', () => {
  beforeAll(async () => {
    await portal.addUser('ann', {
      name: 'Ann Example',
      email: 'ann@example.org',
      groups: ['family', 'friends'],
      role: 'viewer',
      webdav: true,
    });
    await portal.grants.grant(
      {
        username: 'ann',
        node: 'family',
        role: 'contributor',
        basePath: 'people/{username}',
        uploadPath: 'uploads/{username}',
      },
      'cli:test',
    );
  });

  it('issues exactly the ID token claims of §1, in the ID token itself', async () => {
    const { flow } = await authorizeAs('ann', family, familyRp);
    expect(flow.location.searchParams.get('iss')).toBe(portal.url);
    const tokens = await redeem(familyRp, flow);
    const claims = tokens.claims()!;
    const ann = await portal.accounts.require('ann');
    expect(Object.keys(claims).sort()).toEqual(
      [
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
        'atrium_role',
        'atrium_groups',
        'atrium_base_path',
        'atrium_upload_path',
        'atrium_webdav',
      ].sort(),
    );
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
      atrium_groups: ['family', 'friends'],
      atrium_base_path: 'people/ann',
      atrium_upload_path: 'uploads/ann',
      atrium_webdav: true,
    });
    expect(claims.sid).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    expect(claims.sid).not.toBe(flow.location.searchParams.get('code'));
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).alg).toBe(
      'EdDSA',
    );
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBe(600);
    const userinfo = await client.fetchUserInfo(familyRp, tokens.access_token, ann.id);
    expect(userinfo).toMatchObject({ sub: ann.id, atrium_role: 'contributor' });
  });

  it('lets a grant beat a group', async () => {
    await portal.grants.allowGroup({ node: 'family', group: 'friends', role: 'admin' }, 'cli:test');
    expect((await claimsOf('ann', family, familyRp)).atrium_role).toBe('contributor');
    await portal.grants.denyGroup({ node: 'family', group: 'friends' }, 'cli:test');
  });

  it('gives the highest matching group, with the winning mapping’s paths', async () => {
    await portal.addUser('bob', { groups: ['club', 'photographers'] });
    await portal.grants.allowGroup(
      { node: 'studio', group: 'club', role: 'guest', basePath: 'club' },
      'cli:test',
    );
    await portal.grants.allowGroup(
      { node: 'studio', group: 'photographers', role: 'manager', basePath: 'shoots/{username}' },
      'cli:test',
    );
    const claims = await claimsOf('bob', studio, studioRp);
    expect(claims).toMatchObject({
      atrium_role: 'manager',
      atrium_base_path: 'shoots/bob',
      atrium_groups: ['club', 'photographers'],
    });
  });

  it('answers access_denied and no code to an account without access', async () => {
    await portal.addUser('carl');
    const { flow } = await authorizeAs('carl', family, familyRp);
    expect(flow.location.searchParams.get('error')).toBe('access_denied');
    expect(flow.location.searchParams.get('code')).toBeNull();
    expect(flow.location.searchParams.get('state')).toBe(flow.state);
    expect(flow.location.searchParams.get('iss')).toBe(portal.url);
  });

  it('opens nothing for cluster_admin alone', async () => {
    await portal.addUser('root', { clusterAdmin: true });
    await portal.accounts.modify('root', { clusterAdmin: true }, 'cli:test');
    const jar = new CookieJar();
    await portal.signIn(jar, 'root');
    // A cluster admin without TOTP is only half signed in, and even the issuer sends it back to sign-in.
    const url = client.buildAuthorizationUrl(familyRp, {
      redirect_uri: callback(family),
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    let res = await jar.fetch(url, { redirect: 'manual' });
    res = await jar.fetch(new URL(res.headers.get('location')!, portal.url), { redirect: 'manual' });
    expect(res.headers.get('location')).toMatch(/^\/signin\/enrol\?interaction=/);
    await portal.accounts.modify('root', { clusterAdmin: false }, 'cli:test');
    await portal.accounts.modify('root', { clusterAdmin: true }, 'cli:test');
    const decision = await portal.app
      .get((await import('../services/admission.service.js')).AdmissionService)
      .explain('root', 'family');
    expect(decision.decision).toEqual({ allowed: false, reason: 'no_grant_or_group' });
  });

  it('checks access again at the token endpoint: a grant revoked after authorize gives invalid_grant', async () => {
    await portal.addUser('dora');
    await portal.grants.grant({ username: 'dora', node: 'family' }, 'cli:test');
    const { flow } = await authorizeAs('dora', family, familyRp);
    expect(flow.location.searchParams.get('code')).toBeTruthy();
    await portal.grants.revoke({ username: 'dora', node: 'family' }, 'cli:test');
    await expect(redeem(familyRp, flow)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('checks access at the token endpoint even when only the grant row disappears', async () => {
    await portal.addUser('emil');
    await portal.grants.grant({ username: 'emil', node: 'family' }, 'cli:test');
    const { flow } = await authorizeAs('emil', family, familyRp);
    const emil = await portal.accounts.require('emil');
    await portal.admission.deleteGrant(emil.id, (await portal.nodes.require('family')).id);
    await expect(redeem(familyRp, flow)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('isolation between instances', () => {
  beforeAll(async () => {
    await portal.addUser('fay');
    await portal.grants.grant({ username: 'fay', node: 'family' }, 'cli:test');
    await portal.grants.grant({ username: 'fay', node: 'studio' }, 'cli:test');
  });

  it('refuses a code made for family when studio redeems it', async () => {
    const { flow } = await authorizeAs('fay', family, familyRp);
    const answer = await tokenRequest(portal.url, studio, {
      grant_type: 'authorization_code',
      code: flow.location.searchParams.get('code')!,
      redirect_uri: callback(family),
      code_verifier: flow.verifier,
    });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts the client secret in the body (client_secret_post) as well as in the header', async () => {
    const { flow } = await authorizeAs('fay', family, familyRp);
    const res = await fetch(`${portal.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: flow.location.searchParams.get('code')!,
        redirect_uri: callback(family),
        code_verifier: flow.verifier,
        client_id: family.clientId,
        client_secret: family.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id_token: expect.any(String) });
    const wrong = await fetch(`${portal.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: family.clientId,
        client_secret: 'wrong',
      }),
    });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ]);
  });

  it('refuses an ID token made for family at studio', async () => {
    const { flow } = await authorizeAs('fay', family, familyRp);
    const tokens = await redeem(familyRp, flow);
    const jwks = (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as { keys: never[] };
    const options = { issuer: portal.url, algorithms: ['EdDSA'] };
    await expect(
      verifyJwt(tokens.id_token!, jwks, { ...options, audience: family.clientId }),
    ).resolves.toBeTruthy();
    await expect(
      verifyJwt(tokens.id_token!, jwks, { ...options, audience: studio.clientId }),
    ).rejects.toMatchObject({ code: 'ERR_TOKEN_AUDIENCE' });
  });
});

describe('hostile authorization requests', () => {
  beforeAll(async () => {
    await portal.addUser('gus');
    await portal.grants.grant({ username: 'gus', node: 'family' }, 'cli:test');
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI or an unknown client', async () => {
    const jar = await signedIn(portal, 'gus');
    const base = {
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      state: 's',
    };
    const cases = [
      { client_id: family.clientId, redirect_uri: 'https://evil.example/cb' },
      { client_id: family.clientId, redirect_uri: `${family.url}/auth/callback/../evil` },
      { client_id: family.clientId, redirect_uri: `${family.url}/auth/callback?x=1` },
      { client_id: family.clientId, redirect_uri: callback(studio) },
      { client_id: 'no-such-client', redirect_uri: callback(family) },
    ];
    for (const params of cases) {
      const res = await jar.fetch(`${portal.url}/oidc/auth?${new URLSearchParams({ ...base, ...params })}`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toMatch(/cannot be completed/);
    }
  });

  it('refuses a missing or plain PKCE challenge with an error redirect and no code', async () => {
    const jar = await signedIn(portal, 'gus');
    const verifier = client.randomPKCECodeVerifier();
    const cases: Record<string, string>[] = [
      {},
      { code_challenge: verifier, code_challenge_method: 'plain' },
      { code_challenge: verifier },
    ];
    for (const pkce of cases) {
      const params = {
        client_id: family.clientId,
        redirect_uri: callback(family),
        response_type: 'code',
        scope: 'openid',
        state: 'st',
        ...pkce,
      };
      const res = await jar.fetch(`${portal.url}/oidc/auth?${new URLSearchParams(params)}`, {
        redirect: 'manual',
      });
      const location = new URL(res.headers.get('location')!);
      expect(location.href.startsWith(callback(family))).toBe(true);
      expect(location.searchParams.get('code')).toBeNull();
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('st');
    }
  });

  it('refuses every response mode but query, without a code', async () => {
    const jar = await signedIn(portal, 'gus');
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    for (const response_mode of ['form_post', 'fragment', 'web_message']) {
      const params = {
        client_id: family.clientId,
        redirect_uri: callback(family),
        response_type: 'code',
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        response_mode,
      };
      const res = await jar.fetch(`${portal.url}/oidc/auth?${new URLSearchParams(params)}`, {
        redirect: 'manual',
      });
      const location = res.headers.get('location');
      const answer = location ?? (await res.text());
      expect(answer).not.toMatch(/[?#&"]code[=&"]/);
      expect(answer).toMatch(/unsupported_response_mode|invalid_request/);
    }
  });

  it('refuses a wrong or missing verifier at the token endpoint', async () => {
    for (const code_verifier of [client.randomPKCECodeVerifier(), undefined]) {
      const { flow } = await authorizeAs('gus', family, familyRp);
      const params: Record<string, string> = {
        grant_type: 'authorization_code',
        code: flow.location.searchParams.get('code')!,
        redirect_uri: callback(family),
      };
      if (code_verifier) params.code_verifier = code_verifier;
      expect(await tokenRequest(portal.url, family, params)).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
    }
  });

  it('refuses a replayed code and revokes what it issued', async () => {
    const { flow } = await authorizeAs('gus', family, familyRp);
    const tokens = await redeem(familyRp, flow);
    const replay = await tokenRequest(portal.url, family, {
      grant_type: 'authorization_code',
      code: flow.location.searchParams.get('code')!,
      redirect_uri: callback(family),
      code_verifier: flow.verifier,
    });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const gus = await portal.accounts.require('gus');
    await expect(client.fetchUserInfo(familyRp, tokens.access_token, gus.id)).rejects.toMatchObject({
      status: 401,
      cause: [{ parameters: { error: 'invalid_token' } }],
    });
  });

  it('lets exactly one of two racing redemptions of a code win', async () => {
    const { flow } = await authorizeAs('gus', family, familyRp);
    const params = {
      grant_type: 'authorization_code',
      code: flow.location.searchParams.get('code')!,
      redirect_uri: callback(family),
      code_verifier: flow.verifier,
    };
    const answers = await Promise.all([
      tokenRequest(portal.url, family, params),
      tokenRequest(portal.url, family, params),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.status === 400)!.body.error).toBe('invalid_grant');
  });

  it('answers NUL bytes in a client id, a code or a logout request as bad input, never a server error', async () => {
    const jar = await signedIn(portal, 'gus');
    const authorization = await jar.fetch(
      `${portal.url}/oidc/auth?${new URLSearchParams({
        client_id: `${family.clientId}\u0000`,
        redirect_uri: callback(family),
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    expect(authorization.status).toBe(400);
    expect(authorization.headers.get('location')).toBeNull();
    expect(await authorization.text()).toMatch(/cannot be completed/);
    const token = await tokenRequest(portal.url, family, {
      grant_type: 'authorization_code',
      code: 'a\u0000b',
      redirect_uri: callback(family),
      code_verifier: client.randomPKCECodeVerifier(),
    });
    expect(token).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const logout = await jar.fetch(`${portal.url}/oidc/session/end?client_id=%00`, { redirect: 'manual' });
    expect(logout.status).toBe(400);
  });

  it('refuses a client with a wrong secret', async () => {
    const { flow } = await authorizeAs('gus', family, familyRp);
    const answer = await tokenRequest(
      portal.url,
      { ...family, clientSecret: `${family.clientSecret}x` },
      {
        grant_type: 'authorization_code',
        code: flow.location.searchParams.get('code')!,
        redirect_uri: callback(family),
        code_verifier: flow.verifier,
      },
    );
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });
});
