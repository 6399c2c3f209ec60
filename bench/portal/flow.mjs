// The whole code flow against a running portal: authorize with an existing session, then the token
// exchange, by many concurrent clients, each a browser with its own cookies.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { percentile } from '../lib.mjs';

const b64url = (buffer) => buffer.toString('base64url');

// The load generator shares the two cores with the servers it measures, so it should cost as
// little as it can: plain node:http over kept-alive connections (undici's fetch costs about twice
// the CPU per request). One agent per server, one socket per concurrent client at most.
const agents = new Map();
function agentFor(origin) {
  let agent = agents.get(origin);
  if (!agent) agents.set(origin, (agent = new http.Agent({ keepAlive: true, maxSockets: 64 })));
  return agent;
}

/** One HTTP request; the body is read whole. Resolves with status, headers and the body's text. */
function request(url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers, agent: agentFor(target.origin) }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A browser: cookies by name (one host), requests without following redirects. */
class Browser {
  cookies = new Map();

  async get(url) {
    const res = await request(url, { headers: { cookie: this.header() } });
    this.store(res);
    return res;
  }

  async post(url, body) {
    const res = await request(url, {
      method: 'POST',
      headers: { cookie: this.header(), 'content-type': 'application/json', origin: new URL(url).origin },
      body: JSON.stringify(body),
    });
    this.store(res);
    return res;
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res) {
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** One complete flow: authorize (following the portal's own redirects) then the token request. */
async function flow(portalUrl, node, browser) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const redirectUri = `${node.url}/auth/callback`;
  let url = `${portalUrl}/oidc/auth?${new URLSearchParams({
    client_id: node.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email atrium',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: b64url(randomBytes(12)),
    nonce: b64url(randomBytes(12)),
  })}`;
  for (let hop = 0; hop < 6; hop++) {
    const res = await browser.get(url);
    const location = new URL(res.headers.location ?? '', url);
    if (location.href.startsWith(redirectUri)) {
      const code = location.searchParams.get('code');
      if (!code) throw new Error(`no code: ${location.search}`);
      const token = await request(`${portalUrl}/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${node.clientId}:${node.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }).toString(),
      });
      const body = JSON.parse(token.text);
      if (!body.id_token) throw new Error(`token endpoint answered ${token.status}: ${JSON.stringify(body)}`);
      return;
    }
    url = location.href;
  }
  throw new Error('authorization did not come back');
}

/** Signs one browser per user in, and runs one flow each so the issuer's sessions exist. */
export async function prepareBrowsers(portalUrl, node, usernames, password) {
  return Promise.all(
    usernames.map(async (username) => {
      const browser = new Browser();
      const res = await browser.post(`${portalUrl}/api/auth/password`, { username, password });
      if (res.status !== 200) throw new Error(`sign-in of ${username}: ${res.status}`);
      await flow(portalUrl, node, browser);
      return browser;
    }),
  );
}

/** Browsers for the bare provider: a cookie names the user, the provider's own session does the rest. */
export async function prepareBareBrowsers(portalUrl, node, usernames) {
  return Promise.all(
    usernames.map(async (username) => {
      const browser = new Browser();
      browser.cookies.set('bench_user', username);
      await flow(portalUrl, node, browser);
      return browser;
    }),
  );
}

/** CPU time (user + system) a process has used so far, in ms; undefined off Linux. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

/**
 * Runs flows on every browser at once for `ms`; flows per second, latency percentiles and, when
 * `serverPid` is given, the server process's CPU time per flow (ms), which another program's load
 * on the machine inflates far less than it cuts flows per second. `backendCpu` (optional) reads
 * the CPU the server's database connections have used so far, in ms per backend pid.
 */
export async function runFlows(portalUrl, node, browsers, ms, serverPid, backendCpu) {
  const backendsBefore = backendCpu ? await backendCpu() : undefined;
  const cpuBefore = serverPid ? cpuMs(serverPid) : undefined;
  const ownBefore = process.cpuUsage();
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    browsers.map(async (browser) => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await flow(portalUrl, node, browser);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuBefore === undefined ? undefined : cpuMs(serverPid);
  const own = process.cpuUsage(ownBefore);
  let databaseCpu;
  if (backendsBefore) {
    databaseCpu = 0;
    for (const [pid, after] of await backendCpu()) databaseCpu += after - (backendsBefore.get(pid) ?? 0);
  }
  return {
    databaseCpuPerFlow: databaseCpu === undefined ? undefined : databaseCpu / latencies.length,
    cpuPerFlow: cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / latencies.length,
    generatorCpuPerFlow: (own.user + own.system) / 1000 / latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    flows: latencies.length,
    errors,
  };
}
