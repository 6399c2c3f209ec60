import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJwt } from '@atrium/auth';
import { JWKS_CACHE_MS, RETIRED_KEY_GRACE_MS } from '../services/key.service.js';
import { authorize, PortalHarness, redeem, signedIn, type NodeCreds } from '../test/harness.js';
import { IssuerService } from './issuer.service.js';

let portal: PortalHarness;
let family: NodeCreds;
let rp: client.Configuration;

beforeAll(async () => {
  portal = await PortalHarness.start({ runtime: { keyPollMs: 3_600_000 } });
  family = await portal.addNode('family');
  rp = await portal.relyingParty(family);
  await portal.addUser('ann');
  await portal.grants.grant({ username: 'ann', node: 'family' }, 'cli:test');
});

afterAll(async () => {
  await portal?.stop();
});

async function idToken(): Promise<string> {
  const jar = await signedIn(portal, 'ann');
  const flow = await authorize(portal.url, jar, rp, `${family.url}/auth/callback`);
  return (await redeem(rp, flow)).id_token!;
}

const kidOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid as string;
const jwks = async () =>
  (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as {
    keys: { kid: string; alg: string; d?: string }[];
  };
const verify = async (jwt: string, audience = family.clientId) =>
  verifyJwt(jwt, await jwks(), {
    issuer: portal.url,
    audience,
    algorithms: ['EdDSA', 'RS256'],
    now: portal.clock.now(),
  });

async function later(ms: number): Promise<void> {
  portal.clock.advance(ms);
  await portal.app.get(IssuerService).reload();
}

describe('signing keys', () => {
  it('publishes one Ed25519 and one RSA key, public parts only', async () => {
    const { keys } = await jwks();
    expect(keys.map((k) => k.alg).sort()).toEqual(['EdDSA', 'RS256']);
    for (const key of keys) expect(key.d).toBeUndefined();
  });

  it('signs with the RSA key for a relying party registered with --alg RS256', async () => {
    const generic = await portal.addNode('generic', {
      redirectUris: ['http://127.0.0.1:9/cb'],
      alg: 'RS256',
    });
    await portal.grants.grant({ username: 'ann', node: 'generic' }, 'cli:test');
    const genericRp = await portal.relyingParty(generic);
    const flow = await authorize(
      portal.url,
      await signedIn(portal, 'ann'),
      genericRp,
      'http://127.0.0.1:9/cb',
    );
    const token = (await redeem(genericRp, flow)).id_token!;
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg).toBe('RS256');
    await expect(verify(token, generic.clientId)).resolves.toBeTruthy();
  });

  it('rotates: the next key is published before it signs, the old one stays until its tokens expired', async () => {
    const before = await idToken();
    const oldKid = kidOf(before);
    const [next] = (await portal.keys.rotate('cli:test', ['EdDSA'])).map((k) => k.kid);
    await later(0);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, next]));
    expect(kidOf(await idToken())).toBe(oldKid);

    await later(JWKS_CACHE_MS + 1000);
    const after = await idToken();
    expect(kidOf(after)).toBe(next);
    await expect(verify(before)).resolves.toBeTruthy();
    expect((await portal.keys.list()).find((k) => k.kid === oldKid)?.status).toBe('retiring');

    await later(RETIRED_KEY_GRACE_MS);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);
    await expect(verify(after)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it('revokes a key at once and signs with another from then on', async () => {
    const token = await idToken();
    const kid = kidOf(token);
    const { replacement } = await portal.keys.revoke(kid, 'cli:test');
    await later(0);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(kid);
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_KID' });
    expect(kidOf(await idToken())).toBe(replacement);
    await expect(portal.keys.revoke(kid, 'cli:test')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });
});

describe('hostile ID tokens', () => {
  it('are refused by a verifier using the published keys, each with its own code', async () => {
    const token = await idToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = JSON.parse(Buffer.from(header, 'base64url').toString());
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const cases: [string, string][] = [
      [`${b64({ ...head, alg: 'none' })}.${payload}.`, 'ERR_TOKEN_ALG'],
      [`${b64({ alg: 'none' })}.${payload}.`, 'ERR_TOKEN_ALG'],
      [`${b64({ ...head, kid: 'unknown-kid' })}.${payload}.${signature}`, 'ERR_TOKEN_KID'],
      [`${header}.${b64({ ...body, sub: 'someone-else' })}.${signature}`, 'ERR_TOKEN_SIGNATURE'],
      [`${header}.${b64({ ...body, atrium_role: 'admin' })}.${signature}`, 'ERR_TOKEN_SIGNATURE'],
      [`${header}.${payload}.${Buffer.from('forged').toString('base64url')}`, 'ERR_TOKEN_SIGNATURE'],
      [`${b64({ ...head, alg: 'HS256' })}.${payload}.${signature}`, 'ERR_TOKEN_ALG'],
    ];
    for (const [forged, code] of cases)
      await expect(verify(forged), forged.slice(0, 40)).rejects.toMatchObject({ code });
    portal.clock.advance(11 * 60_000);
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    portal.clock.advance(-11 * 60_000);
  });

  it('are refused as id_token_hint at RP-initiated logout', async () => {
    const token = await idToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = [
      `${b64({ alg: 'none' })}.${payload}.`,
      `${header}.${b64({ ...body, sub: 'someone-else' })}.${signature}`,
      `${b64({ alg: 'EdDSA', kid: 'unknown' })}.${payload}.${signature}`,
    ];
    for (const hint of forged) {
      const res = await fetch(
        `${portal.url}/oidc/session/end?${new URLSearchParams({ id_token_hint: hint })}`,
        { redirect: 'manual' },
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/invalid_request/);
    }
  });
});
