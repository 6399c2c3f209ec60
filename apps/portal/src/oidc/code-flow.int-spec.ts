import pg from 'pg';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieJar } from '@atrium/testing';
import { authorize, PortalHarness, redeem, signedIn, type NodeCreds } from '../test/harness.js';

// The issuer's hot path: the code flow reads ahead (RequestReads), one statement per endpoint
// fetching every row the endpoint decides on, and its requests skip Express. These tests hold the
// decisions made on those rows to the rules, the number of statements to what the read-ahead
// promises, and the issuer's responses to the headers every portal page carries.

let portal: PortalHarness;
let family: NodeCreds;
let rp: client.Configuration;
const callback = () => `${family.url}/auth/callback`;

beforeAll(async () => {
  portal = await PortalHarness.start();
  family = await portal.addNode('family');
  rp = await portal.relyingParty(family);
});

afterAll(async () => {
  await portal?.stop();
});

/** A browser signed in at the portal that already went through one authorization (so has an issuer session). */
async function userWithAccess(username: string): Promise<CookieJar> {
  await portal.addUser(username);
  await portal.grants.grant({ username, node: 'family' }, 'cli:test');
  const jar = await signedIn(portal, username);
  await authorize(portal.url, jar, rp, callback());
  return jar;
}

/** Where the authorization endpoint sends a browser first: the redirect URI, or a sign-in interaction. */
async function firstHop(jar: CookieJar): Promise<URL> {
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: callback(),
    scope: 'openid profile email atrium',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
  });
  const res = await jar.fetch(url, { redirect: 'manual' });
  await res.body?.cancel();
  return new URL(res.headers.get('location')!, portal.url);
}

const sql = (text: string, values: unknown[]) => portal.app.get(DataSource).query(text, values);

/** Statements on the issuer's storage and the access tables run while `work` runs, in this process. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function query(this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    seen.push(typeof config === 'string' ? config : (config.text ?? ''));
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return seen.filter((text) =>
    /oidc_payloads|portal_sessions|accounts|access_grants|group_mappings/.test(text),
  );
}

describe('the code flow’s reads', () => {
  it('take one statement to read and one to write at each endpoint', async () => {
    const jar = await userWithAccess('ada');
    // The first authorization after sign-in rewrites the issuer session once (as read back from jsonb).
    await redeem(rp, await authorize(portal.url, jar, rp, callback()));
    const statements = await statementsDuring(async () => {
      const tokens = await redeem(rp, await authorize(portal.url, jar, rp, callback()));
      expect(tokens.claims()!.atrium_role).toBe('user');
    });
    expect(statements).toHaveLength(4);
  });

  it('ask for sign-in again once the portal session behind the issuer session is gone', async () => {
    const jar = await userWithAccess('ben');
    expect((await firstHop(jar)).href.startsWith(callback())).toBe(true);
    const ben = await portal.accounts.require('ben');
    await sql('DELETE FROM portal_sessions WHERE account_id = $1', [ben.id]);
    expect((await firstHop(jar)).pathname).toMatch(/^\/interaction\//);
  });

  it('give no code to an account disabled since its last authorization', async () => {
    const jar = await userWithAccess('cleo');
    expect((await firstHop(jar)).searchParams.get('code')).toBeTruthy();
    await sql('UPDATE accounts SET disabled = true WHERE username = $1', ['cleo']);
    const hop = await firstHop(jar);
    expect(hop.searchParams.get('code')).toBeNull();
  });

  it('give access_denied at the next authorization once the grant is gone', async () => {
    const jar = await userWithAccess('dan');
    expect((await firstHop(jar)).searchParams.get('code')).toBeTruthy();
    const dan = await portal.accounts.require('dan');
    await portal.admission.deleteGrant(dan.id, (await portal.nodes.require('family')).id);
    const hop = await firstHop(jar);
    expect(hop.searchParams.get('error')).toBe('access_denied');
    expect(hop.searchParams.get('code')).toBeNull();
  });

  it.each([
    ['issuer session ended', 'Session', 'eve'],
    ['grant was revoked', 'Grant', 'finn'],
  ])('refuse a code whose %s before it was redeemed', async (_what, model, username) => {
    const jar = await userWithAccess(username);
    const flow = await authorize(portal.url, jar, rp, callback());
    const account = await portal.accounts.require(username);
    await sql(`DELETE FROM oidc_payloads WHERE model = $1 AND account_id = $2`, [model, account.id]);
    await expect(redeem(rp, flow)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('the issuer’s responses', () => {
  it('carry the portal’s framing headers, though they never pass through Express', async () => {
    const pages = [
      `${portal.url}/oidc/auth?client_id=nobody&redirect_uri=https://evil.example/cb&response_type=code&scope=openid`,
      `${portal.url}/oidc/session/end`,
      `${portal.url}/.well-known/openid-configuration`,
      `${portal.url}/api/instances`,
    ];
    for (const page of pages) {
      const res = await fetch(page, { redirect: 'manual' });
      await res.body?.cancel();
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
      expect(res.headers.get('content-security-policy'), page).toContain("frame-ancestors 'none'");
    }
  });

  it('answers 404 from the portal, not the issuer, for paths that only look like its own', async () => {
    const res = await fetch(`${portal.url}/oidcx/auth`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});
