// A burst of password sign-ins at the portal against a bare argon2id loop with the same parameters
// and concurrency, and how long the portal's other requests take meanwhile (issue 11).
import http from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import { percentile } from '../lib.mjs';
import { cpuMs } from './flow.mjs';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const signIn = (portalUrl, username, password) =>
  request(`${portalUrl}/api/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: portalUrl },
    body: JSON.stringify({ username, password }),
  });

/** `concurrency` workers calling `once` until `ms` pass; returns completions per second. */
async function saturate(concurrency, ms, once) {
  const end = performance.now() + ms;
  let done = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < end; i++) {
        if (await once(worker, i)) done++;
        else errors++;
      }
    }),
  );
  return { perSecond: (done * 1000) / (performance.now() - start), done, errors };
}

/** The bare baseline: argon2id verifications with the portal's parameters, `concurrency` at once. */
export async function bareArgon2(params, password, concurrency, ms) {
  const stored = await hash(password, { ...params, algorithm: 2, version: 1, outputLen: 32 });
  const before = process.cpuUsage();
  const result = await saturate(concurrency, ms, async () => verify(stored, password));
  const used = process.cpuUsage(before);
  // CPU time is what the machine's other users inflate least: the figure to compare when it is busy.
  return { ...result, cpuPerOp: (used.user + used.system) / 1000 / result.done };
}

/**
 * Sequential GET /api/session with a signed-in cookie (one database read) for `ms`, or until
 * `until` resolves; returns the latencies.
 */
async function probe(portalUrl, cookie, ms, until) {
  const latencies = [];
  let stop = false;
  const timer = setTimeout(() => (stop = true), ms);
  until?.then(() => (stop = true));
  while (!stop) {
    const res = await request(`${portalUrl}/api/session`, { headers: { cookie } });
    if (res.status === 200) latencies.push(res.ms);
  }
  clearTimeout(timer);
  return latencies;
}

/** A session cookie for `username`, for the probe. */
async function sessionCookie(portalUrl, username, password) {
  const res = await signIn(portalUrl, username, password);
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
  return res.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
}

/**
 * The burst: `concurrency` clients signing in with passwords (round-robin over `usernames`) for
 * `ms`, while one client reads its session; and the same reads with the portal idle.
 */
export async function passwordBurst(portalUrl, usernames, password, concurrency, ms, serverPid, backendCpu) {
  const cookie = await sessionCookie(portalUrl, usernames[0], password);
  await probe(portalUrl, cookie, 1000);
  const idle = await probe(portalUrl, cookie, ms);
  let next = 0;
  const cpuBefore = serverPid ? cpuMs(serverPid) : undefined;
  const dbBefore = backendCpu ? await backendCpu() : undefined;
  const burst = saturate(concurrency, ms, async () => {
    const res = await signIn(portalUrl, usernames[next++ % usernames.length], password);
    return res.status === 200;
  });
  const during = await probe(portalUrl, cookie, ms + 1000, burst);
  const result = await burst;
  const cpuAfter = serverPid ? cpuMs(serverPid) : undefined;
  const dbAfter = backendCpu ? await backendCpu() : undefined;
  const dbUsed = dbAfter && [...dbAfter].reduce((sum, [pid, ms]) => sum + ms - (dbBefore.get(pid) ?? 0), 0);
  return {
    ...result,
    databaseCpuPerSignIn: dbUsed === undefined ? undefined : dbUsed / result.done,
    cpuPerSignIn:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / result.done,
    idleP99: percentile(idle, 99),
    burstP99: percentile(during, 99),
    idleP50: percentile(idle, 50),
    burstP50: percentile(during, 50),
    probes: { idle: idle.length, burst: during.length },
  };
}
