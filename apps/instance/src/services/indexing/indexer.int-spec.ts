import { mkdir, rename, rm, symlink, utimes, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queuePrefix } from '@atrium/media';
import type { IndexCounts } from '../../repositories/index-run.repository.js';
import { InstanceHarness } from '../../test/instance.js';
import { clearLibrary, insertAlbum } from '../../test/library.js';
import { writeJpeg, writeText, writeVideo } from '../../test/originals.js';
import { LibraryIndexService } from '../library-index.service.js';

let instance: InstanceHarness;
let db: DataSource;
let originals: string;
let outside: string;
let queues: Record<string, Queue>;

beforeAll(async () => {
  instance = await InstanceHarness.start({ name: 'family', identity: 'none' });
  db = instance.app.get(DataSource);
  originals = instance.config.originalsPath;
  outside = join(instance.folder, 'outside');
  queues = Object.fromEntries(
    ['metadata', 'thumbnails', 'video'].map((name) => [
      name,
      new Queue(name, { connection: { url: instance.redis.url }, prefix: queuePrefix('family') }),
    ]),
  );
});

afterAll(async () => {
  await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
  await instance?.stop();
});

beforeEach(async () => {
  await rm(originals, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
  await mkdir(originals, { recursive: true });
  await clearLibrary(db);
  await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
});

async function index(rescan = false): Promise<IndexCounts> {
  const service = instance.app.get(LibraryIndexService);
  const run = await service.start({ rescan, requestedBy: null });
  await service.settled();
  const [row] = await db.query('SELECT status, counts, error FROM index_runs WHERE id = $1', [run.id]);
  if (row.status !== 'completed') throw new Error(`index run ${row.status}: ${row.error}`);
  return row.counts as IndexCounts;
}

async function assets(): Promise<
  Array<{
    id: string;
    path: string;
    folder: string;
    media_type: string;
    missing: boolean;
    content_hash: string;
  }>
> {
  return db.query(
    'SELECT id, path, folder, media_type, missing_at IS NOT NULL AS missing, content_hash FROM assets ORDER BY path',
  );
}

async function seedLibrary() {
  await writeJpeg(originals, '2024/summer/beach.jpg', 1);
  await writeJpeg(originals, '2024/summer/dunes.JPG', 2);
  await writeJpeg(originals, 'family/alice/portrait.jpg', 3);
  await writeVideo(originals, 'clips/party.mp4');
}

describe('indexing the originals', () => {
  it('finds photos and videos, queues their jobs, and passes over everything else', async () => {
    await seedLibrary();
    await writeText(originals, 'notes/readme.txt', 'not a photo');
    await writeText(originals, 'notes/fake.jpg', 'a text file with a photo name');
    await writeJpeg(originals, '.hidden/secret.jpg', 9);
    const counts = await index();
    expect(counts).toMatchObject({ seen: 5, added: 4, hashed: 5, skipped: 3, removed: 0, errors: 0 });
    expect((await assets()).map((a) => [a.path, a.media_type])).toEqual([
      ['2024/summer/beach.jpg', 'image'],
      ['2024/summer/dunes.JPG', 'image'],
      ['clips/party.mp4', 'video'],
      ['family/alice/portrait.jpg', 'image'],
    ]);
    expect(
      (await db.query('SELECT path FROM folders ORDER BY path')).map((r: { path: string }) => r.path),
    ).toEqual(['2024', '2024/summer', 'clips', 'family', 'family/alice']);
    expect(await queues.metadata!.getJobCountByTypes('waiting', 'prioritized')).toBe(4);
    expect(await queues.thumbnails!.getJobCountByTypes('waiting', 'prioritized')).toBe(4);
    expect(await queues.video!.getJobCountByTypes('waiting', 'prioritized')).toBe(1);
    const [job] = await queues.thumbnails!.getJobs(['waiting', 'prioritized']);
    expect(job!.id).not.toContain(':');
    expect(Object.keys(job!.data).sort()).toEqual(['assetId', 'contentHash', 'kinds', 'params', 'relPath']);
    expect(counts.jobsQueued).toBe(4 + 4 + 1);
  });

  it('reads no file again on an unchanged re-scan, and remembers what it passed over', async () => {
    await seedLibrary();
    await writeText(originals, 'notes/fake.jpg', 'not really a photo');
    await index();
    const again = await index();
    expect(again).toMatchObject({
      seen: 5,
      hashed: 0,
      bytesHashed: 0,
      unchanged: 4,
      skipped: 1,
      added: 0,
      changed: 0,
    });
  });

  it('trusts path, size and time until a rescan hashes everything', async () => {
    await seedLibrary();
    const path = join(originals, '2024/summer/beach.jpg');
    // Whole seconds: a time stamp set from a fraction could land a nanosecond off.
    const stamp = 1_700_000_000;
    await utimes(path, stamp, stamp);
    await index();
    const content = await readFile(path);
    content[content.length - 3] = content[content.length - 3]! ^ 0xff;
    await writeFile(path, content);
    await utimes(path, stamp, stamp);
    const unchanged = await index();
    expect(unchanged, JSON.stringify(unchanged)).toMatchObject({ hashed: 0, changed: 0, unchanged: 4 });
    expect(await index(true)).toMatchObject({ hashed: 4, changed: 1, unchanged: 3 });
  });

  it('follows moves and renames, keeping the asset with its albums', async () => {
    await seedLibrary();
    await index();
    const [beach] = (await assets()).filter((a) => a.path === '2024/summer/beach.jpg');
    const album = await insertAlbum(db, { assets: [beach!.id] });
    await mkdir(join(originals, 'archive'), { recursive: true });
    await rename(join(originals, '2024/summer/beach.jpg'), join(originals, 'archive/beach-2024.jpg'));
    await rename(join(originals, 'family/alice/portrait.jpg'), join(originals, 'family/alice/alice.jpg'));
    const counts = await index();
    expect(counts).toMatchObject({ moved: 2, added: 0, removed: 0, hashed: 2 });
    const moved = (await assets()).find((a) => a.id === beach!.id)!;
    expect(moved).toMatchObject({ path: 'archive/beach-2024.jpg', folder: 'archive', missing: false });
    expect(await db.query('SELECT asset_id FROM album_assets WHERE album_id = $1', [album])).toEqual([
      { asset_id: beach!.id },
    ]);
  });

  it('follows a move into a folder walked before the one it left', async () => {
    await writeJpeg(originals, 'zz/late.jpg', 4);
    await index();
    const [late] = await assets();
    await mkdir(join(originals, 'aa'), { recursive: true });
    await rename(join(originals, 'zz/late.jpg'), join(originals, 'aa/early.jpg'));
    expect(await index()).toMatchObject({ moved: 1, added: 0, removed: 0 });
    expect(await assets()).toEqual([
      expect.objectContaining({ id: late!.id, path: 'aa/early.jpg', missing: false }),
    ]);
  });

  it('marks removed files missing, folders that went away included, and brings them back', async () => {
    await seedLibrary();
    await index();
    await rm(join(originals, 'family'), { recursive: true });
    await rm(join(originals, 'clips/party.mp4'));
    expect(await index()).toMatchObject({ removed: 2, unchanged: 2 });
    expect((await assets()).filter((a) => a.missing).map((a) => a.path)).toEqual([
      'clips/party.mp4',
      'family/alice/portrait.jpg',
    ]);
    expect(
      (await db.query('SELECT path FROM folders ORDER BY path')).map((r: { path: string }) => r.path),
    ).toEqual(['2024', '2024/summer']);
    await writeVideo(originals, 'clips/party.mp4');
    const counts = await index();
    expect(counts.restored + counts.changed).toBe(1);
    expect((await assets()).filter((a) => a.missing).map((a) => a.path)).toEqual([
      'family/alice/portrait.jpg',
    ]);
  });

  it('takes a missing asset back when its file turns up elsewhere in a later run', async () => {
    await writeJpeg(originals, 'a/one.jpg', 5);
    await writeJpeg(originals, 'stays.jpg', 12);
    await index();
    const [one] = await assets();
    await rename(join(originals, 'a/one.jpg'), join(instance.folder, 'one.jpg'));
    expect(await index()).toMatchObject({ removed: 1 });
    await mkdir(join(originals, 'b'), { recursive: true });
    await rename(join(instance.folder, 'one.jpg'), join(originals, 'b/one.jpg'));
    expect(await index()).toMatchObject({ moved: 1, added: 0 });
    expect((await assets()).find((a) => a.id === one!.id)).toMatchObject({
      path: 'b/one.jpg',
      missing: false,
    });
  });

  it('looks a folder up again when a move of the same run changed it meanwhile', async () => {
    // Folder b is looked up while a is read; the batch of 500 new files written after a moves the
    // missing asset of b into a, so what was looked up of b is stale by then.
    const stamp = 1_700_000_000;
    const old = await writeJpeg(originals, 'b/x.jpg', 7);
    await utimes(old, stamp, stamp);
    await writeJpeg(originals, 'stays.jpg', 12);
    await index();
    const [x] = await assets();
    const content = await readFile(old);
    await rm(old);
    expect(await index()).toMatchObject({ removed: 1 });
    const filler = await readFile(await writeJpeg(originals, 'a/000.jpg', 8));
    for (let i = 1; i < 500; i++) {
      const name = join(originals, `a/${String(i).padStart(3, '0')}.jpg`);
      await writeFile(name, Buffer.concat([filler, Buffer.from([i >> 8, i & 255])]));
    }
    await writeFile(join(originals, 'a/moved.jpg'), content);
    await writeFile(old, content);
    await utimes(old, stamp, stamp);
    expect(await index()).toMatchObject({ moved: 1, added: 501, restored: 0, errors: 0 });
    const after = await assets();
    expect(after.find((a) => a.path === 'a/moved.jpg')).toMatchObject({ id: x!.id, missing: false });
    const again = after.find((a) => a.path === 'b/x.jpg');
    expect(again).toMatchObject({ missing: false });
    expect(again!.id).not.toBe(x!.id);
  });

  it('gives changed content a new hash, forgets what was learnt, and queues new jobs', async () => {
    await seedLibrary();
    await index();
    await db.query(
      `UPDATE assets SET derivatives = '{"thumb":"x"}', placeholder = 'p' WHERE path = '2024/summer/beach.jpg'`,
    );
    const [before] = await db.query(
      "SELECT id, content_hash FROM assets WHERE path = '2024/summer/beach.jpg'",
    );
    await writeJpeg(originals, '2024/summer/beach.jpg', 42);
    expect(await index()).toMatchObject({ changed: 1, unchanged: 3 });
    const [after] = await db.query(
      "SELECT id, content_hash, derivatives, placeholder FROM assets WHERE path = '2024/summer/beach.jpg'",
    );
    expect(after).toMatchObject({ id: before.id, derivatives: {}, placeholder: null });
    expect(after.content_hash).not.toBe(before.content_hash);
    const ids = (await queues.thumbnails!.getJobs(['waiting', 'prioritized'])).map((j) => j.id);
    expect(ids).toContain(`${before.id}-preview+thumb-${after.content_hash}`);
  });

  it('keeps tombstoned content out, wherever it turns up, without reading it twice', async () => {
    await seedLibrary();
    await index();
    const [beach] = await db.query(
      "SELECT id, content_hash, size, mtime FROM assets WHERE path = '2024/summer/beach.jpg'",
    );
    await db.query('DELETE FROM assets WHERE id = $1', [beach.id]);
    await db.query(
      'INSERT INTO tombstones (content_hash, path, size, mtime, created_at) VALUES ($1, $2, $3, $4, now())',
      [beach.content_hash, '2024/summer/beach.jpg', beach.size, beach.mtime],
    );
    expect(await index()).toMatchObject({ tombstoned: 1, added: 0, hashed: 0 });
    await writeFile(
      join(originals, 'copy-of-beach.jpg'),
      await readFile(join(originals, '2024/summer/beach.jpg')),
    );
    expect(await index()).toMatchObject({ tombstoned: 2, added: 0, hashed: 1 });
    expect(await index()).toMatchObject({ tombstoned: 2, added: 0, hashed: 1 });
    expect((await assets()).map((a) => a.path)).not.toContain('copy-of-beach.jpg');
  });
});

describe('path tricks', () => {
  it('never follows a symlink out of the root, and refuses names the policy cannot hold', async () => {
    await writeJpeg(originals, 'inside/real.jpg', 6);
    await writeJpeg(outside, 'secret.jpg', 7);
    await writeJpeg(outside, 'dir/other.jpg', 8);
    await symlink(join(outside, 'secret.jpg'), join(originals, 'inside/escape.jpg'));
    await symlink('../../outside/secret.jpg', join(originals, 'inside/relative-escape.jpg'));
    await symlink(join(outside, 'dir'), join(originals, 'linked-dir'));
    await symlink(join(originals, 'inside/real.jpg'), join(originals, 'alias.jpg'));
    await symlink(join(originals, 'loop.jpg'), join(originals, 'loop.jpg'));
    await symlink('/etc/passwd', join(originals, 'passwd.jpg'));
    await writeJpeg(originals, 'bad\\name.jpg', 10);
    await writeJpeg(originals, 'new\nline.jpg', 11);
    const counts = await index();
    expect((await assets()).map((a) => a.path)).toEqual(['alias.jpg', 'inside/real.jpg']);
    expect(counts).toMatchObject({ added: 2, refused: 6 });
  });

  it('leaves every asset in place when the originals look empty (an unmounted volume)', async () => {
    await seedLibrary();
    await index();
    await rm(originals, { recursive: true });
    await mkdir(originals);
    const service = instance.app.get(LibraryIndexService);
    const run = await service.start({ rescan: false, requestedBy: null });
    await service.settled();
    const [row] = await db.query('SELECT status, error FROM index_runs WHERE id = $1', [run.id]);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/looks empty/);
    expect((await assets()).every((a) => !a.missing)).toBe(true);
  });

  it('runs one index at a time across replicas, and takes over from one that died', async () => {
    await writeJpeg(originals, 'one.jpg', 13);
    const other = '00000000-0000-4000-8000-00000000000a';
    const running = (beat: Date) =>
      db.query(
        `INSERT INTO index_runs (id, status, rescan, phase, counts, started_at, heartbeat_at) VALUES ($1, 'running', false, 'walking', '{}', $2, $2)`,
        [other, beat],
      );
    await running(new Date());
    const service = instance.app.get(LibraryIndexService);
    await expect(service.start({ rescan: false, requestedBy: null })).rejects.toMatchObject({
      code: 'ERR_INDEX_RUNNING',
      status: 409,
    });
    await db.query('DELETE FROM index_runs');
    await running(new Date(Date.now() - 60 * 60_000));
    await service.start({ rescan: false, requestedBy: null });
    await service.settled();
    const rows = await db.query('SELECT id, status FROM index_runs ORDER BY started_at');
    expect(rows).toEqual([
      { id: other, status: 'failed' },
      { id: expect.any(String), status: 'completed' },
    ]);
  });
});
