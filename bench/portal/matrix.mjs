// The admin's effective-access matrix (issue 13): the first page (50 users × 20 libraries) of
// 10,000 users with 50 group mappings, through AdmissionService.matrix (the admin API's code: a
// keyset page of accounts, then their groups, grants and the libraries' mappings, each cell
// resolved by libs/policy), against the bare SQL that reads the same rows with node-postgres, side
// by side in alternating rounds. Also the first page filtered by a group.
// Sizes: MATRIX_USERS (10000), MATRIX_NODES (20), MATRIX_MAPPINGS (50), MATRIX_ROUNDS (7),
// MATRIX_REPEAT per round (20). Run alone: node bench/portal/matrix.mjs (npm run bench portal runs it too).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile, report } from '../lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-ui'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(1);

const { default: pg } = await import('pg');
const { startPostgres } = await import('@atrium/testing');
const { loadPortalConfig, migrate, openPortalAdmin } = await import('@atrium/portal');

const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
const USERS = int('MATRIX_USERS', 10_000);
const NODES = int('MATRIX_NODES', 20);
const MAPPINGS = int('MATRIX_MAPPINGS', 50);
const ROUNDS = int('MATRIX_ROUNDS', 7);
const REPEAT = int('MATRIX_REPEAT', 20);
const PAGE = 50;
const GROUPS = 25;
const ROLES = ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'];
const log = (line) => console.log(`portal matrix: ${line}`);

/** Deterministic pseudo-random numbers, so every run seeds the same cluster. */
function rng(seed) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

async function seed(db) {
  const rand = rng(13);
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    id: randomUUID(),
    name: `library-${String(i).padStart(2, '0')}`,
  }));
  for (const [i, n] of nodes.entries())
    await db.query(
      `INSERT INTO nodes (id, name, role, url, client_id, secret_digest, redirect_uris, post_logout_redirect_uris, backchannel_logout_uri, alg)
       VALUES ($1, $2, 'instance', $3, $4, 'x', ARRAY[$3 || '/auth/callback'], ARRAY[$3 || '/'], $3 || '/auth/backchannel-logout', 'EdDSA')`,
      [n.id, n.name, `http://127.0.0.1:${20000 + i}`, randomUUID()],
    );
  const accounts = Array.from({ length: USERS }, (_, i) => ({
    id: randomUUID(),
    username: `user${String(i).padStart(5, '0')}`,
  }));
  for (let i = 0; i < accounts.length; i += 1000) {
    const chunk = accounts.slice(i, i + 1000);
    await db.query(
      `INSERT INTO accounts (id, username, name, account_role) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
      [
        chunk.map((a) => a.id),
        chunk.map((a) => a.username),
        chunk.map((a) => `Person ${a.username}`),
        chunk.map(() => 'user'),
      ],
    );
    const members = chunk.flatMap((a) =>
      [`group-${Math.floor(rand() * GROUPS)}`, `group-${Math.floor(rand() * GROUPS)}`].map((g) => [a.id, g]),
    );
    await db.query(
      `INSERT INTO account_groups (account_id, group_name) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`,
      [members.map((m) => m[0]), members.map((m) => m[1])],
    );
    // One user in ten has a grant on a library or two.
    const grants = chunk
      .filter(() => rand() < 0.1)
      .flatMap((a) => [nodes[Math.floor(rand() * NODES)].id].map((n) => [a.id, n]));
    await db.query(
      `INSERT INTO access_grants (account_id, node_id, role) SELECT a, n, r FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(a, n, r) ON CONFLICT DO NOTHING`,
      [
        grants.map((g) => g[0]),
        grants.map((g) => g[1]),
        grants.map(() => ROLES[Math.floor(rand() * ROLES.length)]),
      ],
    );
  }
  const mappings = new Set();
  while (mappings.size < MAPPINGS)
    mappings.add(`${Math.floor(rand() * NODES)} ${Math.floor(rand() * GROUPS)}`);
  for (const key of mappings) {
    const [n, g] = key.split(' ').map(Number);
    await db.query(
      `INSERT INTO group_mappings (node_id, group_name, kind, role, base_path) VALUES ($1, $2, 'name', $3, 'people/{username}')`,
      [nodes[n].id, `group-${g}`, ROLES[Math.floor(rand() * ROLES.length)]],
    );
  }
  await db.query('ANALYZE');
}

/** The same rows the matrix's first page reads, with nothing on top: no entities, no resolution. */
async function bareFirstPage(db, group) {
  const { rows: page } = group
    ? await db.query(
        `SELECT * FROM accounts a WHERE EXISTS (SELECT 1 FROM account_groups g WHERE g.account_id = a.id AND g.group_name = $1) ORDER BY username LIMIT $2`,
        [group, PAGE + 1],
      )
    : await db.query('SELECT * FROM accounts ORDER BY username LIMIT $1', [PAGE + 1]);
  const { rows: nodes } = await db.query(`SELECT * FROM nodes WHERE role = 'instance' ORDER BY name`);
  const ids = page.map((a) => a.id);
  const nodeIds = nodes.map((n) => n.id);
  const [groups, grants, mappings] = await Promise.all([
    db.query('SELECT * FROM account_groups WHERE account_id = ANY($1) ORDER BY group_name', [ids]),
    db.query('SELECT * FROM access_grants WHERE account_id = ANY($1) AND node_id = ANY($2)', [ids, nodeIds]),
    db.query('SELECT * FROM group_mappings WHERE node_id = ANY($1)', [nodeIds]),
  ]);
  return page.length + groups.rows.length + grants.rows.length + mappings.rows.length;
}

async function timed(fn) {
  const times = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

const postgres = await startPostgres();
const databaseUrl = `${postgres.url.replace(/\/postgres$/, '')}/portal_matrix_${randomBytes(4).toString('hex')}`;
const secretKey = randomBytes(32).toString('base64');
const rows = [];
let admin;
let db;
try {
  await migrate(
    loadPortalConfig({
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: 'http://127.0.0.1:9',
      ATRIUM_SECRET_KEY: secretKey,
    }),
  );
  // The bare side gets a pool like the portal's, so both may run their three reads at once.
  db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const seeded = performance.now();
  await seed(db);
  log(
    `seeded ${USERS} users, ${NODES} libraries, ${MAPPINGS} group mappings in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );
  admin = await openPortalAdmin({ databaseUrl, secretKey });
  const first = await admin.admission.matrix({}, { limit: PAGE });
  if (first.rows.length !== PAGE || first.nodes.length !== NODES)
    throw new Error('the matrix page is not 50 × 20');
  const allowed = first.rows.flatMap((r) => r.cells).filter((c) => c.decision.allowed).length;
  log(
    `first page: ${first.rows.length} users × ${first.nodes.length} libraries, ${allowed} cells with access`,
  );
  for (const [scenario, filter, group] of [
    ['matrix first page (50 users × 20 libraries of 10,000 × 20)', {}, undefined],
    ['matrix first page filtered by a group', { group: 'group-3' }, 'group-3'],
  ]) {
    const ours = [];
    const bare = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(...(await timed(() => bareFirstPage(db, group))));
      ours.push(...(await timed(() => admin.admission.matrix(filter, { limit: PAGE }))));
    }
    // The first round warms both up; medians of the rest.
    const p50 = (t) => percentile(t.slice(REPEAT), 50);
    const figure = p50(ours);
    const baseline = p50(bare);
    log(
      `${scenario}: ${figure.toFixed(2)} ms median (p90 ${percentile(ours.slice(REPEAT), 90).toFixed(2)}), bare SQL ${baseline.toFixed(2)} ms (p90 ${percentile(bare.slice(REPEAT), 90).toFixed(2)})`,
    );
    rows.push({
      scenario,
      figure,
      unit: 'ms',
      baseline,
      baselineName: 'bare SQL, same rows',
      ratio: figure / baseline,
      goal: '≤ 2×',
    });
  }
} finally {
  await admin?.close();
  await db?.end();
  await postgres.stop();
}
report('portal-matrix', rows);
