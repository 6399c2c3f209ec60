// "Rebuild derivatives" on a library of `count` assets (issue 15): the instance's rebuild (keyset
// pages of assets, each job's state looked up, then added with the library's settings) against a
// bare BullMQ `addBulk` of the same jobs from the same rows in batches of the same size, each into
// empty queues (a library whose jobs all completed), and the process's memory growth meanwhile.
import { Queue } from 'bullmq';

const BATCH = 500;

/** Inserts `count` image assets with distinct ids, paths and hashes, in one statement. */
export async function seedAssets(db, count) {
  await db.query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, derivatives, created_at, updated_at)
     SELECT md5(i::text)::uuid, 'rebuild/' || i || '.jpg', 'rebuild', i || '.jpg', 1000, now(), encode(sha256(i::text::bytea), 'hex'),
       'image', 'image/jpeg', now(), '{"thumb":"x","preview":"y"}', now(), now()
     FROM generate_series(1, $1) AS i`,
    [count],
  );
}

/** The baseline: the same rows read in keyset pages and their jobs added with `addBulk`, nothing more. */
async function bareRebuild(db, redisUrl, prefix, params) {
  const queue = new Queue('thumbnails', { connection: { url: redisUrl }, prefix });
  let jobs = 0;
  try {
    for (let after = null; ; ) {
      const rows = await db.query(
        `SELECT id, path, content_hash FROM assets WHERE missing_at IS NULL ${after ? 'AND id > $2::uuid' : ''} ORDER BY id LIMIT $1`,
        after ? [BATCH, after] : [BATCH],
      );
      if (rows.length === 0) break;
      await queue.addBulk(
        rows.map((r) => ({
          name: 'thumbnails',
          data: { assetId: r.id, relPath: r.path, contentHash: r.content_hash, kinds: ['preview', 'thumb'], params },
          opts: { jobId: `${r.id}-preview+thumb-${r.content_hash}`, attempts: 4, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: false },
        })),
      );
      jobs += rows.length;
      after = rows[rows.length - 1].id;
    }
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  return jobs;
}

/**
 * Times both over the same library, alternating `rounds` times (best of each kept, so a busy moment
 * of the shared machine falls on both alike); returns seconds, jobs and the rebuild's peak RSS growth.
 */
export async function measureRebuild({ db, redisUrl, count, rounds, modules }) {
  const {
    MediaQueues,
    AdminRepository,
    RebuildRunRepository,
    DerivativeSettingsRepository,
    DerivativeSettingsService,
    DerivativeRebuildService,
    Clock,
  } = modules;
  const params = { thumbSize: 320 };
  const settings = new DerivativeSettingsService(new DerivativeSettingsRepository(db));
  await settings.save(params);
  let bare = Infinity;
  let ours = Infinity;
  let counts;
  let peakRss = 0;
  for (let round = 0; round < rounds; round++) {
    const node = `rebuild${round}`;
    let started = performance.now();
    const bareJobs = await bareRebuild(db, redisUrl, `atrium-bare${round}`, params);
    bare = Math.min(bare, (performance.now() - started) / 1000);
    if (bareJobs !== count) throw new Error(`the bare rebuild added ${bareJobs} jobs, not ${count}`);

    const queues = new MediaQueues(redisUrl, node, () => settings.params());
    const service = new DerivativeRebuildService(queues, new AdminRepository(db), new RebuildRunRepository(db), settings, new Clock());
    const rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss - rssBefore)), 100);
    started = performance.now();
    try {
      await service.start({ video: false });
      await service.settled();
      counts = await service.latest();
    } finally {
      clearInterval(sampler);
    }
    ours = Math.min(ours, (performance.now() - started) / 1000);
    if (counts.queued !== count) throw new Error(`the rebuild queued ${counts.queued} jobs, not ${count}`);
    const inspect = new Queue('thumbnails', { connection: { url: redisUrl }, prefix: `atrium-${node}` });
    await inspect.obliterate({ force: true });
    await inspect.close();
    await queues.close();
  }
  return { bare, ours, counts, peakRssMiB: peakRss / 2 ** 20 };
}
