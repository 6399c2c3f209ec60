// A visitor's page through an album link and the scrubber's month index, on the library
// timeline.mjs seeded, each against a baseline of the same run: the admin's page, and the month
// index as bare SQL (one GROUP BY over the assets, no visibility at all).
import { percentile } from '../lib.mjs';

// Album 1 holds the assets n % 100 = 1 (1% of the library); album 0 holds none (n % 5 = 0 are in no album).
const LINKED_ALBUM = "md5('album1')::uuid";

async function albumId(db) {
  const [{ id }] = await db.query(`SELECT ${LINKED_ALBUM}::text AS id`);
  return id;
}

/** p50 and p95 of `fn` over `samples` calls per scenario, round-robin, after a warm-up. */
async function roundRobin(scenarios, samples) {
  const ms = scenarios.map(() => []);
  for (const s of scenarios) for (let i = 0; i < 5; i++) await s.run();
  for (let i = 0; i < samples; i++)
    for (const [n, s] of scenarios.entries()) {
      const started = performance.now();
      await s.run();
      ms[n].push(performance.now() - started);
    }
  return ms.map((values) => ({ p50: percentile(values, 50), p95: percentile(values, 95) }));
}

export async function measureSharing(db, TimelineRepository, samples) {
  const repo = new TimelineRepository(db);
  const album = await albumId(db);
  const admin = { role: 'admin', id: 'acc-admin', groups: [], basePath: null, uploadPath: null, links: [] };
  const guest = {
    role: 'guest',
    id: 'acc-guest',
    groups: ['friends'],
    basePath: null,
    uploadPath: null,
    links: [],
  };
  const visitor = {
    role: 'visitor',
    id: null,
    groups: [],
    basePath: null,
    uploadPath: null,
    links: [{ target: { kind: 'album', albumId: album }, downloadAllowed: false }],
  };
  const page = (viewer, filters) => async () => {
    const rows = await repo.page(viewer, filters, null, 200);
    if (rows.length < 200) throw new Error(`a page came back with ${rows.length} rows`);
  };
  const [adminPage, visitorPage, adminAlbumPage] = await roundRobin(
    [
      { run: page(admin, {}) },
      // What /api/share/:token/assets asks: the album's assets as the link's visitor sees them.
      { run: page(visitor, { albumId: album }) },
      { run: page(admin, { albumId: album }) },
    ],
    samples,
  );
  const [bareMonths, adminMonths, guestMonths] = await roundRobin(
    [
      {
        run: () =>
          db.query(
            `SELECT date_trunc('month', sort_at AT TIME ZONE 'UTC') AS m, count(*) FROM assets GROUP BY 1`,
          ),
      },
      { run: () => repo.months(admin, {}) },
      { run: () => repo.months(guest, {}) },
    ],
    Math.max(20, Math.floor(samples / 4)),
  );
  return { adminPage, visitorPage, adminAlbumPage, bareMonths, adminMonths, guestMonths };
}
