// Instance benchmarks (issues 6 and 14): a timeline page of 200 on a library of INSTANCE_BENCH_ASSETS
// (1,000,000) assets as admin and as a guest who sees it through album policies, first page and
// page 5,000, as a visitor through an album link, the scrubber's month index against bare SQL; indexing INSTANCE_BENCH_FILES (50,000) photos against a bare stat+hash walk, and an
// unchanged re-scan. Sizes: INSTANCE_BENCH_ASSETS, INSTANCE_BENCH_SAMPLES (200 pages per figure),
// INSTANCE_BENCH_FILES, INSTANCE_BENCH_FILE_KB (64 KB per photo), INSTANCE_BENCH_ROUNDS (2 rounds
// of indexing, best kept); transfers (uploads and zips, see transfer.mjs); rclone over WebDAV (see
// webdav.mjs); "rebuild derivatives" on INSTANCE_BENCH_REBUILD_ASSETS (100,000) assets against a
// bare addBulk of the same jobs (see rebuild.mjs); INSTANCE_BENCH_ONLY=timeline, indexing,
// transfer, webdav or rebuild runs one part alone.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../lib.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The instance's code runs compiled: bring dist/ up to date first (incremental).
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-ui'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(1);

const { startPostgres, startRedis } = await import('@atrium/testing');
const { migrate, runIndex } = await import('@atrium/instance');
const { createDataSource } = await import('@atrium/server');
const { TimelineRepository } = await import('../../apps/instance/dist/repositories/timeline.repository.js');
const { Indexer } = await import('../../apps/instance/dist/services/indexing/indexer.js');
const { IndexRunRepository } = await import('../../apps/instance/dist/repositories/index-run.repository.js');
const { LibraryFilesRepository } =
  await import('../../apps/instance/dist/repositories/library-files.repository.js');
const { measureTimeline, seedLibrary } = await import('./timeline.mjs');
const { measureSharing } = await import('./sharing.mjs');
const { bareWalk, makeTree } = await import('./indexing.mjs');
const { measureRebuild, seedAssets } = await import('./rebuild.mjs');

const int = (name, fallback) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
const ASSETS = int('INSTANCE_BENCH_ASSETS', 1_000_000);
const SAMPLES = int('INSTANCE_BENCH_SAMPLES', 200);
const FILES = int('INSTANCE_BENCH_FILES', 50_000);
const FILE_KB = int('INSTANCE_BENCH_FILE_KB', 64);
const ROUNDS = int('INSTANCE_BENCH_ROUNDS', 2);
const REBUILD_ASSETS = int('INSTANCE_BENCH_REBUILD_ASSETS', 100_000);
// `timeline` or `indexing` runs that part alone (seeding the million assets takes minutes).
const ONLY = process.env.INSTANCE_BENCH_ONLY ?? '';
const PARTS = ['timeline', 'indexing', 'transfer', 'webdav', 'rebuild'];
if (ONLY && !PARTS.includes(ONLY)) {
  console.error(`INSTANCE_BENCH_ONLY must be one of ${PARTS.join(', ')}, not "${ONLY}"`);
  process.exit(2);
}
const log = (line) => console.log(`instance: ${line}`);
const rows = [];
const ms = (n) => Math.round(n * 100) / 100;

const postgres = await startPostgres();
const redis = await startRedis();
const work = mkdtempSync(join(tmpdir(), 'atrium-bench-instance-'));
const database = (name) =>
  `${postgres.url.replace(/\/postgres$/, '')}/${name}_${randomBytes(4).toString('hex')}`;

try {
  if (!ONLY || ONLY === 'timeline') await timeline();
  if (!ONLY || ONLY === 'indexing') await indexing();
  if (!ONLY || ONLY === 'transfer') await transfer();
  if (!ONLY || ONLY === 'webdav') await webdav();
  if (!ONLY || ONLY === 'rebuild') await rebuild();
} finally {
  rmSync(work, { recursive: true, force: true });
  await redis.stop();
  await postgres.stop();
}

report('instance', rows);

async function timeline() {
  const url = database('timeline_bench');
  await migrate({ databaseUrl: url });
  // The instance's own session settings: the repositories are measured as the instance runs them.
  const { INSTANCE_SESSION_SETTINGS } = await import('../../apps/instance/dist/app.module.js');
  const db = createDataSource({ url, entities: [], migrations: [], sessionSettings: INSTANCE_SESSION_SETTINGS });
  await db.initialize();
  let started = performance.now();
  log(`seeding ${ASSETS} assets in 100 albums`);
  await seedLibrary(db, ASSETS);
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; timing ${SAMPLES} pages per figure`);
  const t = await measureTimeline(db, TimelineRepository, ASSETS, SAMPLES);
  const s = await measureSharing(db, TimelineRepository, SAMPLES);
  await db.destroy();
  const guestShare = `${Math.round((t.visible / ASSETS) * 100)}% visible`;
  rows.push(
    { scenario: `timeline page 1 (200), admin, p50`, figure: ms(t.admin.first.p50), unit: 'ms' },
    {
      scenario: `timeline page 1, guest via album policies (${guestShare}), p50`,
      figure: ms(t.guest.first.p50),
      unit: 'ms',
      baseline: ms(t.admin.first.p50),
      baselineName: 'admin p50',
      ratio: t.guest.first.p50 / t.admin.first.p50,
      goal: '≤ 1.5×',
    },
    {
      scenario: `timeline page 1, guest, p95`,
      figure: ms(t.guest.first.p95),
      unit: 'ms',
      baseline: ms(t.admin.first.p95),
      baselineName: 'admin p95',
      ratio: t.guest.first.p95 / t.admin.first.p95,
      goal: '≤ 1.5×',
    },
    {
      scenario: `timeline page ${t.adminDeep}, admin, p50`,
      figure: ms(t.admin.deep.p50),
      unit: 'ms',
      baseline: ms(t.admin.first.p50),
      baselineName: 'page 1 p50',
      ratio: t.admin.deep.p50 / t.admin.first.p50,
      goal: '≈ 1× (keyset)',
    },
    {
      scenario: `timeline page ${t.adminDeep}, admin, p95`,
      figure: ms(t.admin.deep.p95),
      unit: 'ms',
      baseline: ms(t.admin.first.p95),
      baselineName: 'page 1 p95',
      ratio: t.admin.deep.p95 / t.admin.first.p95,
      goal: '≈ 1×',
    },
    {
      scenario: `timeline page ${t.guestDeep} (guest's last), guest, p50`,
      figure: ms(t.guest.deep.p50),
      unit: 'ms',
      baseline: ms(t.guest.first.p50),
      baselineName: 'page 1 p50',
      ratio: t.guest.deep.p50 / t.guest.first.p50,
      goal: '≈ 1×',
    },
    {
      scenario: 'timeline page 1, visitor via an album link (1% of the library), p50',
      figure: ms(s.visitorPage.p50),
      unit: 'ms',
      baseline: ms(s.adminPage.p50),
      baselineName: 'admin page 1 p50',
      ratio: s.visitorPage.p50 / s.adminPage.p50,
      goal: '≤ 1.5×',
    },
    {
      scenario: 'timeline page 1, visitor via an album link, p95',
      figure: ms(s.visitorPage.p95),
      unit: 'ms',
      baseline: ms(s.adminPage.p95),
      baselineName: 'admin page 1 p95',
      ratio: s.visitorPage.p95 / s.adminPage.p95,
      goal: '≤ 1.5×',
    },
    {
      scenario: 'the same album page as admin, p50 (what the album filter costs)',
      figure: ms(s.adminAlbumPage.p50),
      unit: 'ms',
      baseline: ms(s.adminPage.p50),
      baselineName: 'admin page 1 p50',
      ratio: s.adminAlbumPage.p50 / s.adminPage.p50,
      goal: 'diagnostic',
    },
    {
      scenario: `month index (scrubber), admin, ${ASSETS} assets, p95`,
      figure: ms(s.adminMonths.p95),
      unit: 'ms',
      baseline: ms(s.bareMonths.p95),
      baselineName: 'bare GROUP BY p95',
      ratio: s.adminMonths.p95 / s.bareMonths.p95,
      goal: '≤ 50 ms',
    },
    {
      scenario: 'month index, guest via album policies, p95',
      figure: ms(s.guestMonths.p95),
      unit: 'ms',
      baseline: ms(s.bareMonths.p95),
      baselineName: 'bare GROUP BY p95',
      ratio: s.guestMonths.p95 / s.bareMonths.p95,
      goal: '≤ 50 ms',
    },
  );
}

/** An instance of this process on a free port, its own database and folders under `work/name`, listening. */
async function startInstance(name, env, port) {
  const { createInstanceApp, loadInstanceConfig } = await import('@atrium/instance');
  const { freePort } = await import('@atrium/testing');
  port ??= await freePort();
  const config = loadInstanceConfig({
    NODE_NAME: name,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database(name),
    REDIS_URL: redis.url,
    ORIGINALS_PATH: join(work, name, 'originals'),
    CACHE_PATH: join(work, name, 'cache'),
    LOG_LEVEL: 'error',
    ...env,
  });
  mkdirSync(config.originalsPath, { recursive: true });
  await migrate(config);
  const app = await createInstanceApp(config, { logLevels: ['error'] });
  await app.listen(port, '127.0.0.1');
  return { app, config };
}

async function transfer() {
  const { SessionService } = await import('../../apps/instance/dist/services/session.service.js');
  const { UserRepository } = await import('../../apps/instance/dist/repositories/user.repository.js');
  const { measureTransfer } = await import('./transfer.mjs');
  const { app, config } = await startInstance('bench', { PORTAL_URL: 'http://127.0.0.1:9' });
  try {
    const access = { role: 'admin', groups: [], basePath: null, uploadPath: null, webdav: false };
    await app.get(UserRepository).upsert({ id: 'bench', username: 'bench', name: null, email: null, ...access, lastSeenAt: new Date() });
    const { secret } = await app
      .get(SessionService)
      .create({ userId: 'bench', portalSid: null, access, idToken: 'unused', authTime: null });
    rows.push(...(await measureTransfer({ url: config.publicUrl, cookie: `atrium_bench=${secret}`, work, log })));
  } finally {
    await app.close();
  }
}

/** A portal and an instance in this process; Ann may upload over WebDAV with an app password. */
async function webdav() {
  const { createPortalApp, loadPortalConfig, migrate: migratePortal, openPortalAdmin } = await import('@atrium/portal');
  const { freePort } = await import('@atrium/testing');
  const { measureWebdav } = await import('./webdav.mjs');
  const [portalPort, instancePort, barePort] = [await freePort(), await freePort(), await freePort()];
  const secretKey = randomBytes(32).toString('base64');
  const portalConfig = loadPortalConfig({
    DATABASE_URL: database('webdav_portal'),
    PORT: String(portalPort),
    PUBLIC_URL: `http://127.0.0.1:${portalPort}`,
    ATRIUM_SECRET_KEY: secretKey,
    LOG_LEVEL: 'error',
  });
  await migratePortal(portalConfig);
  const portal = await createPortalApp(portalConfig, { logLevels: ['error'] });
  await portal.listen(portalPort, '127.0.0.1');
  const admin = await openPortalAdmin({ databaseUrl: portalConfig.databaseUrl, secretKey });
  let instance;
  try {
    const url = `http://127.0.0.1:${instancePort}`;
    const { credentials } = await admin.nodes.addWithCredentials({ name: 'webdav', url }, 'bench');
    await admin.accounts.create('ann', { webdav: true, password: `bench-${secretKey}` }, 'bench');
    await admin.grants.grant({ username: 'ann', node: 'webdav', role: 'contributor', uploadPath: 'uploads/{username}' }, 'bench');
    const account = await admin.accounts.require('ann');
    const { password } = await admin.appPasswords.create(account, { node: 'webdav', name: 'rclone' }, 'bench');
    ({ app: instance } = await startInstance(
      'webdav',
      { PORTAL_URL: portalConfig.publicUrl, NODE_CLIENT_ID: credentials.clientId, NODE_CLIENT_SECRET: credentials.clientSecret },
      instancePort,
    ));
    rows.push(...(await measureWebdav({ url, user: 'ann', password, work, port: barePort, log })));
  } finally {
    await instance?.close();
    await admin.close();
    await portal.close();
  }
}

async function rebuild() {
  const url = database('rebuild_bench');
  await migrate({ databaseUrl: url });
  const dist = (path) => import(`../../apps/instance/dist/${path}`);
  // The settings store is a TypeORM entity: the data source needs the instance's entities.
  const { instanceEntities } = await dist('entities/index.js');
  const db = createDataSource({ url, entities: instanceEntities, migrations: [] });
  await db.initialize();
  const modules = {
    ...(await dist('services/media-queue.js')),
    ...(await dist('repositories/admin.repository.js')),
    ...(await dist('repositories/derivative-settings.repository.js')),
    ...(await dist('services/derivative-settings.service.js')),
    ...(await dist('services/derivative-rebuild.service.js')),
    ...(await dist('repositories/rebuild-run.repository.js')),
    ...(await dist('common/clock.js')),
  };
  try {
    log(`seeding ${REBUILD_ASSETS} assets for the rebuild`);
    await seedAssets(db, REBUILD_ASSETS);
    const r = await measureRebuild({ db, redisUrl: redis.url, count: REBUILD_ASSETS, rounds: ROUNDS, modules });
    rows.push(
      {
        scenario: `rebuild derivatives, ${REBUILD_ASSETS} assets (jobs/s)`,
        figure: REBUILD_ASSETS / r.ours,
        unit: 'jobs/s',
        baseline: REBUILD_ASSETS / r.bare,
        baselineName: 'bare addBulk',
        ratio: r.bare / r.ours,
        goal: 'report',
      },
      { scenario: `rebuild derivatives, RSS growth`, figure: r.peakRssMiB, unit: 'MiB', goal: 'flat' },
    );
  } finally {
    await db.destroy();
  }
}

async function indexing() {
  const originals = join(work, 'originals');
  log(`writing ${FILES} photos of ${FILE_KB} KB`);
  await makeTree(originals, FILES, FILE_KB);
  // Both sides read from the page cache: a first walk warms it, and is not counted.
  await bareWalk(originals);
  // Rounds alternate the bare walk and the indexer (each round a fresh library and fresh queues),
  // so a busy moment of the shared machine falls on both alike; the best of each is kept.
  let walked = 0;
  let bareSeconds = Infinity;
  let indexSeconds = Infinity;
  let rescanSeconds = Infinity;
  let unqueued = Infinity;
  let first;
  let again;
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    walked = await bareWalk(originals);
    bareSeconds = Math.min(bareSeconds, (performance.now() - started) / 1000);
    const target = {
      nodeName: `bench${round}`,
      databaseUrl: database('index_bench'),
      redisUrl: redis.url,
      originalsPath: originals,
      cachePath: join(work, 'cache'),
    };
    await migrate({ databaseUrl: target.databaseUrl });
    started = performance.now();
    first = await runIndex(target, { rescan: false, requestedBy: 'bench' });
    indexSeconds = Math.min(indexSeconds, (performance.now() - started) / 1000);
    started = performance.now();
    again = await runIndex(target, { rescan: false, requestedBy: 'bench' });
    rescanSeconds = Math.min(rescanSeconds, (performance.now() - started) / 1000);
    unqueued = Math.min(unqueued, await withoutQueue(originals));
    log(
      `round ${round + 1}: bare ${(walked / bareSeconds).toFixed(0)} files/s, indexed in ${indexSeconds.toFixed(1)} s (best so far), without queue ${unqueued.toFixed(1)} s`,
    );
    // The jobs of a round are dropped, so Redis holds one round's at a time.
    await flushRedis();
  }
  if (first.added !== walked || again.unchanged !== walked)
    throw new Error('the indexer did not see the tree the walk saw');
  rows.push(
    {
      scenario: `indexing ${FILES} photos of ${FILE_KB} KB (${first.jobsQueued} jobs queued)`,
      figure: walked / indexSeconds,
      unit: 'files/s',
      baseline: walked / bareSeconds,
      baselineName: 'bare stat+hash walk',
      ratio: bareSeconds / indexSeconds,
      goal: '≥ 0.5×',
    },
    {
      scenario: `unchanged re-scan of ${FILES} photos`,
      figure: walked / rescanSeconds,
      unit: 'files/s',
      baseline: walked / bareSeconds,
      baselineName: 'bare stat+hash walk',
      ratio: bareSeconds / rescanSeconds,
      goal: 'no file read',
    },
    { scenario: 'files read by the unchanged re-scan', figure: again.hashed, unit: 'files', goal: '0' },
    {
      scenario: `indexing ${FILES} photos, no job queued (where the time goes)`,
      figure: walked / unqueued,
      unit: 'files/s',
      baseline: walked / bareSeconds,
      baselineName: 'bare stat+hash walk',
      ratio: bareSeconds / unqueued,
      goal: 'diagnostic',
    },
  );
}

/** The same indexer on a fresh database with a sink that takes jobs without queueing them: seconds. */
async function withoutQueue(originals) {
  const url = database('index_noqueue');
  await migrate({ databaseUrl: url });
  const db = createDataSource({ url, entities: [], migrations: [] });
  await db.initialize();
  try {
    const runs = new IndexRunRepository(db);
    const run = await runs.start({ rescan: false, requestedBy: 'bench' }, new Date(), 60_000);
    const sink = { addNew: async (requests) => requests.length, requeue: async () => 0 };
    const started = performance.now();
    await new Indexer({
      files: new LibraryFilesRepository(db),
      runs,
      queue: sink,
      originalsPath: originals,
      cachePath: originals,
      now: () => new Date(),
    }).run(run);
    return (performance.now() - started) / 1000;
  } finally {
    await db.destroy();
  }
}

async function flushRedis() {
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  try {
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}
