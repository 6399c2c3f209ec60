import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyLogoutToken, type LogoutTokenClaims } from '@atrium/auth';
import { freePort } from '@atrium/testing';
import { authorize, PortalHarness, redeem, signedIn, type NodeCreds } from '../test/harness.js';
import { LogoutReceiver } from '../test/logout-receiver.js';

let portal: PortalHarness;
let family: NodeCreds;
let studio: NodeCreds;
let familyRp: client.Configuration;
let receiver: LogoutReceiver;
let studioReceiver: LogoutReceiver;

beforeAll(async () => {
  portal = await PortalHarness.start({ runtime: { outbox: { pollMs: 3_600_000, timeoutMs: 2000 } } });
  receiver = new LogoutReceiver(await freePort());
  studioReceiver = new LogoutReceiver(await freePort());
  await receiver.start();
  await studioReceiver.start();
  family = await portal.addNode('family', { url: receiver.url });
  studio = await portal.addNode('studio', { url: studioReceiver.url });
  familyRp = await portal.relyingParty(family);
});

afterEach(async () => {
  await portal.outbox.deliverDue();
  receiver.tokens.length = 0;
  studioReceiver.tokens.length = 0;
});

afterAll(async () => {
  await receiver?.stop();
  await studioReceiver?.stop();
  await portal?.stop();
});

/** What a listening relying party makes of the tokens it received: each verified as the spec says. */
async function received(at: LogoutReceiver, node: NodeCreds): Promise<LogoutTokenClaims[]> {
  const jwks = (await (await fetch(`${portal.url}/oidc/jwks`)).json()) as never;
  const seen = new Set<string>();
  return Promise.all(
    at.tokens.map((token) =>
      verifyLogoutToken(token, jwks, {
        issuer: portal.url,
        audience: node.clientId,
        algorithms: ['EdDSA'],
        rememberJti: (jti) => !seen.has(jti) && !!seen.add(jti),
      }),
    ),
  );
}

async function userWithGrant(username: string, role = 'user') {
  const account = await portal.addUser(username);
  await portal.grants.grant({ username, node: 'family', role }, 'cli:test');
  return account;
}

describe('back-channel logout from the outbox', () => {
  it('ends a user’s sessions on the instance when the grant is revoked', async () => {
    const ann = await userWithGrant('ann');
    await portal.grants.revoke({ username: 'ann', node: 'family' }, 'cli:test');
    expect(await portal.outbox.deliverDue()).toBe(1);
    const [claims] = await received(receiver, family);
    expect(claims).toMatchObject({ iss: portal.url, aud: family.clientId, sub: ann.id });
    expect(claims!.sid).toBeUndefined();
    expect(claims!.exp - claims!.iat).toBeLessThanOrEqual(120);
    const header = JSON.parse(Buffer.from(receiver.tokens[0]!.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ typ: 'logout+jwt', alg: 'EdDSA' });
    const payload = JSON.parse(Buffer.from(receiver.tokens[0]!.split('.')[1]!, 'base64url').toString());
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.nonce).toBeUndefined();
  });

  it('fires when a role is lowered, not when it is raised', async () => {
    const bob = await userWithGrant('bob', 'viewer');
    await portal.grants.grant({ username: 'bob', node: 'family', role: 'admin' }, 'cli:test');
    expect(await portal.outbox.deliverDue()).toBe(0);
    await portal.grants.grant({ username: 'bob', node: 'family', role: 'guest' }, 'cli:test');
    expect(await portal.outbox.deliverDue()).toBe(1);
    expect((await received(receiver, family))[0]!.sub).toBe(bob.id);
  });

  it('fires when the account role an empty grant inherits is lowered, or a group mapping is removed', async () => {
    const cleo = await portal.addUser('cleo', { role: 'manager', groups: ['club'] });
    await portal.grants.grant({ username: 'cleo', node: 'family' }, 'cli:test');
    await portal.grants.allowGroup({ node: 'studio', group: 'club', role: 'user' }, 'cli:test');
    await portal.accounts.modify('cleo', { role: 'viewer' }, 'cli:test');
    await portal.grants.denyGroup({ node: 'studio', group: 'club' }, 'cli:test');
    expect(await portal.outbox.deliverDue()).toBe(2);
    expect((await received(receiver, family)).map((c) => c.sub)).toEqual([cleo.id]);
    expect((await received(studioReceiver, studio)).map((c) => c.sub)).toEqual([cleo.id]);
  });

  it('fires on every instance when an account is disabled or deleted', async () => {
    const dan = await userWithGrant('dan');
    const eve = await userWithGrant('eve');
    await portal.accounts.modify('dan', { disabled: true }, 'cli:test');
    await portal.accounts.remove('eve', 'cli:test');
    await portal.outbox.deliverDue();
    expect((await received(receiver, family)).map((c) => c.sub).sort()).toEqual([dan.id, eve.id].sort());
    expect((await received(studioReceiver, studio)).map((c) => c.sub).sort()).toEqual(
      [dan.id, eve.id].sort(),
    );
  });

  it('ends the instance session a portal session opened when the portal session ends, by sid', async () => {
    await userWithGrant('fred');
    const jar = await signedIn(portal, 'fred');
    const flow = await authorize(portal.url, jar, familyRp, `${family.url}/auth/callback`);
    const idClaims = (await redeem(familyRp, flow)).claims()!;
    const csrf = ((await (await jar.fetch(`${portal.url}/api/session`)).json()) as { csrfToken: string })
      .csrfToken;
    const out = await jar.fetch(`${portal.url}/api/auth/logout`, {
      method: 'POST',
      headers: { origin: portal.url, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(200);
    expect(await portal.outbox.deliverDue()).toBe(1);
    const [claims] = await received(receiver, family);
    expect(claims).toMatchObject({ sub: idClaims.sub, sid: idClaims.sid });
    const again = await authorize(portal.url, jar, familyRp, `${family.url}/auth/callback`).catch(
      (e: Error) => e,
    );
    expect(String(again)).toMatch(/stopped at .*\/signin\?interaction=/);
  });

  it('ends the portal session and the instance session on RP-initiated logout with an expired hint', async () => {
    await userWithGrant('gina');
    const jar = await signedIn(portal, 'gina');
    const flow = await authorize(portal.url, jar, familyRp, `${family.url}/auth/callback`);
    const tokens = await redeem(familyRp, flow);
    const end = client.buildEndSessionUrl(familyRp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${family.url}/`,
      state: 'bye',
    });
    const page = await jar.fetch(end);
    const html = await page.text();
    expect(html).toMatch(/op\.logoutForm/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirm = await jar.fetch(`${portal.url}/oidc/session/end/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
      redirect: 'manual',
    });
    expect(confirm.headers.get('location')).toBe(`${family.url}/?state=bye`);
    expect(await (await jar.fetch(`${portal.url}/api/session`)).json()).toEqual({ signedIn: false });
    expect(await portal.outbox.deliverDue()).toBe(1);
    expect((await received(receiver, family))[0]!.sid).toBe(tokens.claims()!.sid);
  });

  it('asks for confirmation without a hint and refuses an unregistered post-logout URI', async () => {
    await userWithGrant('hal');
    const jar = await signedIn(portal, 'hal');
    await redeem(familyRp, await authorize(portal.url, jar, familyRp, `${family.url}/auth/callback`));
    const page = await (await jar.fetch(`${portal.url}/oidc/session/end`)).text();
    expect(page).toMatch(/<button type="submit" form="op.logoutForm"/);
    expect(page).not.toMatch(/\.submit\(\)/);
    const bad = await jar.fetch(
      `${portal.url}/oidc/session/end?${new URLSearchParams({ client_id: family.clientId, post_logout_redirect_uri: 'https://evil.example/' })}`,
    );
    expect(bad.status).toBe(400);
  });

  it('retries a node that was down until it answers 200', async () => {
    const ivy = await userWithGrant('ivy');
    receiver.status = 503;
    await portal.grants.revoke({ username: 'ivy', node: 'family' }, 'cli:test');
    expect(await portal.outbox.deliverDue()).toBe(0);
    await receiver.stop();
    portal.clock.advance(1_100);
    expect(await portal.outbox.deliverDue()).toBe(0);
    expect(await portal.outbox.deliverDue()).toBe(0);
    receiver.status = 200;
    await receiver.start();
    portal.clock.advance(2_100);
    expect(await portal.outbox.deliverDue()).toBe(1);
    const [claims] = await received(receiver, family);
    expect(claims!.sub).toBe(ivy.id);
  });
});
