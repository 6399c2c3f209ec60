import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as client from 'openid-client';
import { CookieJar, createTestDatabase, freePort, type TestDatabase } from '@atrium/testing';
import type { PortalRuntimeOptions } from '../app.module.js';
import { loadPortalConfig, type PortalConfig } from '../config.js';
import { createPortalApp, migrate, UI_DIR } from '../main.js';
import { AdmissionRepository } from '../repositories/admission.repository.js';
import { AccountService, type AccountFields } from '../services/account.service.js';
import { AppPasswordService } from '../services/app-password.service.js';
import { Clock } from '../common/clock.js';
import { GrantService } from '../services/grant.service.js';
import { KeyService } from '../services/key.service.js';
import { NodeService, type NodeInput } from '../services/node.service.js';
import { OutboxWorker } from '../services/outbox.worker.js';

export const PASSWORD = 'correct horse battery staple';

/** A clock tests can move forward; it starts at the real time. */
export class TestClock extends Clock {
  offsetMs = 0;
  private frozenAt: number | undefined;
  override now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /**
   * Stops the clock until {@link thaw}: what a test of a burst asserts must not hang on how long a
   * loaded machine takes to serve it (a one-second block could end mid-burst).
   */
  freeze(): void {
    this.frozenAt = Date.now();
  }
  thaw(): void {
    if (this.frozenAt !== undefined) this.offsetMs -= Date.now() - this.frozenAt;
    this.frozenAt = undefined;
  }
}

export interface NodeCreds {
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
}

/** A real portal on a free port over its own database, with handles on its services. */
export class PortalHarness {
  readonly clock: TestClock;
  readonly accounts: AccountService;
  readonly nodes: NodeService;
  readonly grants: GrantService;
  readonly keys: KeyService;
  readonly outbox: OutboxWorker;
  readonly admission: AdmissionRepository;

  private constructor(
    readonly app: NestExpressApplication,
    readonly db: TestDatabase,
    readonly config: PortalConfig,
  ) {
    this.clock = app.get(Clock) as TestClock;
    this.accounts = app.get(AccountService);
    this.nodes = app.get(NodeService);
    this.grants = app.get(GrantService);
    this.keys = app.get(KeyService);
    this.outbox = app.get(OutboxWorker);
    this.admission = app.get(AdmissionRepository);
  }

  static async start(
    options: { env?: Record<string, string>; runtime?: PortalRuntimeOptions; ui?: boolean } = {},
  ): Promise<PortalHarness> {
    const db = await createTestDatabase('portal');
    const port = await freePort();
    const config = loadPortalConfig({
      DATABASE_URL: db.url,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ATRIUM_SECRET_KEY: randomBytes(32).toString('base64'),
      ...options.env,
    });
    await migrate(config);
    const app = await createPortalApp(config, {
      logLevels: ['error'],
      uiDir: options.ui ? UI_DIR : undefined,
      runtime: { clock: new TestClock(), ...options.runtime },
    });
    await app.listen(port, '127.0.0.1');
    return new PortalHarness(app, db, config);
  }

  get url(): string {
    return this.config.publicUrl;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.db.drop();
  }

  async addUser(
    username: string,
    fields: AccountFields & { groups?: string[]; password?: string | null } = {},
  ) {
    const { password, ...rest } = fields;
    return this.accounts.create(
      username,
      { ...rest, ...(password === null ? {} : { password: password ?? PASSWORD }) },
      'cli:test',
    );
  }

  /** An app password of `username` for `node` (as `atrium auth add` makes one); returns the password. */
  async addAppPassword(username: string, node: string, name = 'sync'): Promise<string> {
    const account = await this.accounts.require(username);
    return (await this.app.get(AppPasswordService).create(account, { node, name }, 'cli:test')).password;
  }

  /** Registers a node and redeems its join token through the API, as an instance would. */
  async addNode(name: string, input: Partial<NodeInput> = {}): Promise<NodeCreds> {
    const url = input.url ?? `http://127.0.0.1:${await freePort()}`;
    const { joinToken } = await this.nodes.add({ name, url, ...input }, 'cli:test');
    const res = await fetch(`${this.url}/api/cluster/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: joinToken }),
    });
    if (res.status !== 200) throw new Error(`join failed: ${res.status} ${await res.text()}`);
    const creds = (await res.json()) as { clientId: string; clientSecret: string };
    return { name, url, ...creds };
  }

  /** Signs a browser (cookie jar) in with a password; returns the CSRF token of the session. */
  async signIn(
    jar: CookieJar,
    username: string,
    password = PASSWORD,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await jar.fetch(`${this.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.url },
      body: JSON.stringify({ username, password }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** A standard relying party (openid-client) for a node. */
  async relyingParty(node: NodeCreds): Promise<client.Configuration> {
    return client.discovery(
      new URL(this.url),
      node.clientId,
      undefined,
      client.ClientSecretBasic(node.clientSecret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
  }
}

/** Exchanges the code of a finished authorization at the token endpoint, checking state, nonce and PKCE. */
export function redeem(rp: client.Configuration, flow: AuthorizeResult) {
  return client.authorizationCodeGrant(rp, flow.location, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

/** A signed-in browser for `username`. */
export async function signedIn(portal: PortalHarness, username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const result = await portal.signIn(jar, username);
  if (result.status !== 200) throw new Error(`sign-in of ${username} failed: ${JSON.stringify(result.body)}`);
  return jar;
}

/** Sends a token request by hand, to see the issuer's raw answer to hostile input. */
export async function tokenRequest(portalUrl: string, node: NodeCreds, params: Record<string, string>) {
  const res = await fetch(`${portalUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(node.clientId)}:${encodeURIComponent(node.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export interface AuthorizeResult {
  /** Where the issuer finally redirected the browser (the RP's redirect URI with code or error). */
  location: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/**
 * Runs the browser side of a code + PKCE flow with a signed-in cookie jar: follows the issuer's
 * redirects until it leaves for the relying party's redirect URI.
 */
export async function authorize(
  portalUrl: string,
  jar: CookieJar,
  rp: client.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<AuthorizeResult> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope: 'openid profile email atrium',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const res = await jar.fetch(next, { redirect: 'manual' });
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location) throw new Error(`authorization stopped at ${next} with ${res.status}`);
    const target = new URL(location, next);
    if (target.href.startsWith(redirectUri)) return { location: target, verifier, state, nonce };
    if (!target.href.startsWith(portalUrl)) throw new Error(`left the portal for ${target}`);
    next = target;
  }
  throw new Error('too many redirects');
}
