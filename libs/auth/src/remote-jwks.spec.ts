import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toPublicJwks, type SigningJwk } from './keys.js';
import { remoteJwks } from './remote-jwks.js';
import { AUDIENCE, ISSUER, testKeys, type TestKeys } from './test/factories.js';
import { codeOf } from './test/tokens.js';
import { signJwt, verifyJwt } from './tokens.js';

// A real HTTP server stands for the issuer's jwks_uri: what is published and how often it is asked.
let keys: TestKeys;
let server: Server;
let url: string;
let published: SigningJwk[] = [];
let fetches = 0;
let status = 200;

beforeAll(async () => {
  keys = await testKeys();
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? JSON.stringify(toPublicJwks(published)) : '{"error":"down"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc/jwks`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  fetches = 0;
  status = 200;
  published = [keys.ed];
});

const token = (key: SigningJwk) => signJwt({ sub: 'user-1' }, key, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 });
const verify = (t: string, jwks: ReturnType<typeof remoteJwks>) =>
  verifyJwt(t, jwks, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'] });

describe('remoteJwks', () => {
  it('verifies with the published keys, fetching them once for many tokens', async () => {
    const jwks = remoteJwks(url);
    for (let i = 0; i < 3; i++) expect((await verify(await token(keys.ed), jwks)).payload.sub).toBe('user-1');
    expect(fetches).toBe(1);
  });

  it('refetches on a kid it has not seen (rotation), but not within the cooldown', async () => {
    const jwks = remoteJwks(url, { cooldownMs: 0 });
    await verify(await token(keys.ed), jwks);
    published = [keys.ed, keys.ed2];
    expect((await verify(await token(keys.ed2), jwks)).payload.sub).toBe('user-1');
    expect(fetches).toBe(2);

    const cooling = remoteJwks(url, { cooldownMs: 60_000 });
    published = [keys.ed];
    await verify(await token(keys.ed), cooling);
    published = [keys.ed, keys.ed2];
    expect(await codeOf(verify(await token(keys.ed2), cooling))).toBe('ERR_TOKEN_KID');
    expect(await codeOf(verify(await token(keys.attacker), cooling))).toBe('ERR_TOKEN_KID');
    expect(fetches).toBe(3);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const jwks = remoteJwks(url, { cooldownMs: 0 });
    expect(await codeOf(verify(await token(keys.attacker), jwks))).toBe('ERR_TOKEN_KID');
  });

  it('refuses every token while the issuer answers with an error', async () => {
    status = 503;
    expect(await codeOf(verify(await token(keys.ed), remoteJwks(url)))).toBe('ERR_TOKEN_JWKS');
  });

  it('says the keys are unreachable when nothing listens at the jwks_uri', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const jwks = remoteJwks(`http://127.0.0.1:${port}/jwks`, { timeoutMs: 2_000 });
    expect(await codeOf(verify(await token(keys.ed), jwks))).toBe('ERR_TOKEN_JWKS');
  });

  it('accepts only http(s) URLs', () => {
    expect(() => remoteJwks('file:///etc/passwd')).toThrow(/http\(s\)/);
    expect(() => remoteJwks('not a url')).toThrow(/not a URL/);
  });
});
