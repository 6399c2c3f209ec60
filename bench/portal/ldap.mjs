// LDAP sign-ins (issue 11): the portal's directory step — service-account search with the escaped
// filter, exactly one entry, entryUUID, memberOf groups as normalized DNs, then a bind as the user,
// over its own connection (StartTLS off) — against bare ldapts doing the same search + bind on the
// same slapd, at the same concurrency. Rounds alternate and each side keeps its best (shared cores).
// Sizes: PORTAL_BENCH_LDAP_CONCURRENCY (8), PORTAL_BENCH_LDAP_MS per round (4000), PORTAL_BENCH_LDAP_ROUNDS (3).
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from 'ldapts';
import { report } from '../lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
const CONCURRENCY = int('PORTAL_BENCH_LDAP_CONCURRENCY', 8);
const ROUND_MS = int('PORTAL_BENCH_LDAP_MS', 4000);
const ROUNDS = int('PORTAL_BENCH_LDAP_ROUNDS', 3);
const USERS = 50;
const log = (line) => console.log(`portal ldap: ${line}`);

const { startSlapd } = await import('@atrium/testing');
const { LdapDirectory } = await import(
  pathToFileURL(join(root, 'apps/portal/dist/upstream/ldap/ldap-directory.js')).href
);

/** Runs `signIn(i)` from `CONCURRENCY` loops for `ms`; sign-ins per second and failures. */
async function measure(signIn, ms) {
  let done = 0;
  let failed = 0;
  let next = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        try {
          await signIn(next++ % USERS);
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { perSecond: (done * 1000) / (performance.now() - start), failed };
}

const slapd = await startSlapd();
const rows = [];
try {
  for (let i = 0; i < USERS; i++) await slapd.addUser({ uid: `user${i}`, password: `pass-${i}` });
  await slapd.addGroup({ cn: 'bench', members: Array.from({ length: USERS }, (_, i) => `user${i}`) });
  const directory = new LdapDirectory({
    url: slapd.url,
    bindDn: slapd.bindDn,
    bindPassword: slapd.bindPassword,
    userBase: slapd.usersDn,
    userFilter: '(uid={username})',
    groupBase: null,
    groupFilter: '(member={dn})',
    nestedGroups: false,
    idAttribute: null,
    usernameAttribute: 'uid',
    usernameForms: ['plain'],
    domain: null,
    netbiosDomain: null,
    startTls: false,
    ca: null,
    timeoutMs: 5000,
  });
  const portal = (i) => directory.authenticate(`user${i}`, `pass-${i}`);
  const bare = async (i) => {
    const client = new Client({ url: slapd.url, timeout: 5000, connectTimeout: 5000 });
    try {
      await client.bind(slapd.bindDn, slapd.bindPassword);
      const { searchEntries } = await client.search(slapd.usersDn, {
        scope: 'sub',
        filter: `(uid=user${i})`,
        sizeLimit: 2,
        attributes: ['1.1'],
      });
      if (searchEntries.length !== 1) throw new Error('not one entry');
      await client.bind(searchEntries[0].dn, `pass-${i}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  log(`warming up, then ${ROUNDS} rounds of ${ROUND_MS} ms each side at ${CONCURRENCY} concurrent sign-ins`);
  await measure(bare, 1000);
  await measure(portal, 1000);
  let best = { portal: { perSecond: 0 }, bare: { perSecond: 0 } };
  for (let round = 1; round <= ROUNDS; round++) {
    const b = await measure(bare, ROUND_MS);
    const p = await measure(portal, ROUND_MS);
    log(
      `round ${round}: portal ${p.perSecond.toFixed(0)}/s (${p.failed} failed), bare ${b.perSecond.toFixed(0)}/s (${b.failed} failed)`,
    );
    if (p.perSecond > best.portal.perSecond) best.portal = p;
    if (b.perSecond > best.bare.perSecond) best.bare = b;
  }
  rows.push({
    scenario: `LDAP sign-in, ${CONCURRENCY} concurrent (search + groups + bind)`,
    figure: best.portal.perSecond,
    unit: 'sign-ins/s',
    baseline: best.bare.perSecond,
    baselineName: 'bare ldapts search + bind',
    ratio: best.portal.perSecond / best.bare.perSecond,
    goal: '≥ 0.8×',
  });
} finally {
  await slapd.stop();
}
report('portal-ldap', rows);
