// Timeline pages on a large library: the instance's own SQL (TimelineRepository, the visibility
// filter of libs/policy) as admin and as a guest who sees the library only through album policies.
import { percentile } from '../lib.mjs';

const ALBUMS = 100;
// One album in four admits the guest's group; one asset in five is in no album.
const ADMITTED_EVERY = 4;

/**
 * Seeds `count` assets server-side (INSERT … SELECT generate_series: no row crosses the wire), spread
 * over ten years and a thousand folders, in 100 albums with policies; then ANALYZE.
 */
export async function seedLibrary(db, count) {
  await db.query(`INSERT INTO policies (id, everyone, users, groups)
    SELECT md5('policy' || i)::uuid, false, '{}', CASE WHEN i % ${ADMITTED_EVERY} = 0 THEN ARRAY['friends'] ELSE ARRAY['staff'] END
    FROM generate_series(0, ${ALBUMS - 1}) i`);
  await db.query(`INSERT INTO albums (id, title, policy_id, created_at, updated_at)
    SELECT md5('album' || i)::uuid, 'album ' || i, md5('policy' || i)::uuid, now(), now() FROM generate_series(0, ${ALBUMS - 1}) i`);
  await db.query(`INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, taken_at, sort_at,
      private, archived, favorite, created_at, updated_at)
    SELECT md5('asset' || n)::uuid, 'y' || (n % 10) || '/f' || (n % 1000) || '/' || n || '.jpg', 'y' || (n % 10) || '/f' || (n % 1000),
      n || '.jpg', 2000000 + n, t, md5(n::text) || md5((n + 1)::text), CASE WHEN n % 20 = 0 THEN 'video' ELSE 'image' END,
      CASE WHEN n % 20 = 0 THEN 'video/mp4' ELSE 'image/jpeg' END, t, t, n % 50 = 0, n % 97 = 0, n % 13 = 0, now(), now()
    FROM generate_series(1, ${count}) n, LATERAL (SELECT timestamptz '2015-01-01' + n * interval '5 minutes' AS t) s`);
  await db.query(`INSERT INTO album_assets (album_id, asset_id, added_at)
    SELECT md5('album' || (n % ${ALBUMS}))::uuid, md5('asset' || n)::uuid, now() FROM generate_series(1, ${count}) n WHERE n % 5 <> 0`);
  // Frozen and all-visible, as a library at rest is: index-only scans need no heap visit.
  // A second pass marks the pages the first left half-cleaned all-visible (autovacuum does the same over time).
  await db.query('VACUUM (FREEZE, ANALYZE)');
  await db.query('VACUUM assets');
}

const admin = { role: 'admin', id: 'acc-admin', groups: [], basePath: null, uploadPath: null, links: [] };
const guest = {
  role: 'guest',
  id: 'acc-guest',
  groups: ['friends'],
  basePath: null,
  uploadPath: null,
  links: [],
};

async function cursorAt(db, visibleSql, offset) {
  const [row] = await db.query(
    `SELECT (extract(epoch FROM a.sort_at) * 1000000)::bigint::text AS sort_us, a.id FROM assets a
     WHERE a.deleted_at IS NULL AND a.missing_at IS NULL AND ${visibleSql} ORDER BY a.sort_at DESC, a.id DESC OFFSET ${offset} LIMIT 1`,
  );
  return row ? { sortUs: row.sort_us, id: row.id } : null;
}

/**
 * Times every scenario round-robin (one page of each in turn), so that a busy moment of the shared
 * machine falls on all of them alike; p50 and p95 per scenario.
 */
async function timings(repo, scenarios, samples) {
  const ms = scenarios.map(() => []);
  for (const s of scenarios) for (let i = 0; i < 5; i++) await repo.page(s.viewer, {}, s.cursor, 200);
  for (let i = 0; i < samples; i++) {
    for (const [n, s] of scenarios.entries()) {
      const started = performance.now();
      const rows = await repo.page(s.viewer, {}, s.cursor, 200);
      ms[n].push(performance.now() - started);
      if (rows.length < 200) throw new Error(`a page came back with ${rows.length} rows`);
    }
  }
  return ms.map((values) => ({ p50: percentile(values, 50), p95: percentile(values, 95) }));
}

/** Pages of 200: the first and page 5,000 (or the guest's deepest), p50 and p95 over `samples` calls each. */
export async function measureTimeline(db, TimelineRepository, count, samples) {
  const repo = new TimelineRepository(db);
  const [{ n: visible }] = await db.query(
    `SELECT count(*)::int AS n FROM assets a WHERE NOT a.private AND NOT a.archived AND a.policy_id IS NULL
       AND EXISTS (SELECT 1 FROM album_assets x JOIN albums al ON al.id = x.album_id JOIN policies p ON p.id = al.policy_id
                   WHERE x.asset_id = a.id AND p.groups && ARRAY['friends'])`,
  );
  const adminDeep = Math.min(4999, Math.floor(count / 200) - 1);
  const guestDeep = Math.floor(visible / 200) - 1;
  const guestVisible = `NOT a.private AND NOT a.archived AND EXISTS (SELECT 1 FROM album_assets x JOIN albums al ON al.id = x.album_id
    JOIN policies p ON p.id = al.policy_id WHERE x.asset_id = a.id AND p.groups && ARRAY['friends'])`;
  const [adminFirst, adminDeepT, guestFirst, guestDeepT] = await timings(
    repo,
    [
      { viewer: admin, cursor: null },
      { viewer: admin, cursor: await cursorAt(db, 'TRUE', adminDeep * 200 - 1) },
      { viewer: guest, cursor: null },
      { viewer: guest, cursor: await cursorAt(db, guestVisible, guestDeep * 200 - 1) },
    ],
    samples,
  );
  return {
    visible,
    adminDeep: adminDeep + 1,
    guestDeep: guestDeep + 1,
    admin: { first: adminFirst, deep: adminDeepT },
    guest: { first: guestFirst, deep: guestDeepT },
  };
}
