import { randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DetectedType, MediaWorkRequest } from '@atrium/media';
import {
  emptyCounts,
  type IndexCounts,
  type IndexPhase,
  type IndexRun,
  type IndexRunRepository,
} from '../../repositories/index-run.repository.js';
import type {
  FileStamp,
  KnownAsset,
  LibraryFilesRepository,
  NewAsset,
  Tombstone,
} from '../../repositories/library-files.repository.js';
import { forEachLimit } from '../../utils/for-each-limit.js';
import { InstanceError } from '../../common/errors.js';
import { KINDS, type MediaJobSink } from '../media-queue.js';
import { walkOriginals, type FoundFile, type WalkedFolder } from './originals-walker.js';
import { readFileFacts, type FileFacts } from './read-file.js';

/** What an index run works with. */
export interface IndexerDeps {
  files: LibraryFilesRepository;
  runs: IndexRunRepository;
  queue: MediaJobSink;
  originalsPath: string;
  cachePath: string;
  now: () => Date;
  /** Aborting stops the run between files; it ends as failed. */
  signal?: AbortSignal;
}

/** A run whose process died stops beating; after this long another may start. */
export const STALE_AFTER_MS = 10 * 60_000;
/** How often a running index says it is alive, besides its progress writes. */
export const HEARTBEAT_MS = 30_000;

// Reading two files at once keeps the disk busy while the other is hashed.
const READ_CONCURRENCY = 2;
const FLUSH_EVERY = 500;
const PROGRESS_EVERY_MS = 500;
const RECHECK_BATCH = 500;
// Batches of jobs being added while the walk goes on.
const QUEUE_AHEAD = 4;

type Found = FoundFile & { hash: string; type: DetectedType };

/** A walked folder, and what the database knew of it when looked up (after `moves` moves). */
interface LookedUp {
  walked: WalkedFolder;
  moves: number;
  known?: Map<string, KnownAsset>;
  ignored?: Map<string, FileStamp>;
}

/** The state of one run, between folders. */
class RunState {
  readonly counts: IndexCounts = emptyCounts();
  readonly visited: string[] = [];
  /** Present assets whose file the walk did not find (yet): removed, or moved elsewhere. */
  readonly vanished = new Map<string, KnownAsset>();
  /** Files to become assets, waiting for the next flush. */
  pending: Found[] = [];
  /** Assets this run inserted, by content, in case their file turns out to be a moved one. */
  readonly inserted = new Map<string, Array<{ id: string; file: Found }>>();
  phase: IndexPhase = 'walking';
  lastProgress = 0;
  /** Bumped after each move this run makes: a folder looked up before it is looked up again. */
  moves = 0;
  /** Jobs being added while the walk goes on; their outcome is awaited before the run ends. */
  private readonly queueing: Array<Promise<void>> = [];
  /** The batch of new assets being written (then queued) while the walk goes on. */
  private writing: Promise<void> = Promise.resolve();

  /**
   * Writes a batch in the background once the previous one is written: the walk waits only when
   * the database is a whole batch behind.
   */
  async write(task: () => Promise<void>): Promise<void> {
    await this.writing;
    this.writing = task();
    // Handled here so a failure waits for written() instead of crashing the process.
    this.writing.catch(() => undefined);
  }

  /** Waits for the batch being written; throws its failure. */
  async written(): Promise<void> {
    await this.writing;
  }

  /**
   * Adds jobs in the background, counting them once Redis took them; waits while more than
   * {@link QUEUE_AHEAD} batches are under way, so a slow Redis holds the walk back.
   */
  async queue(adding: Promise<number>): Promise<void> {
    const counted = adding.then((n) => void (this.counts.jobsQueued += n));
    // Handled here so a failure waits for queued() instead of crashing the process.
    counted.catch(() => undefined);
    this.queueing.push(counted);
    while (this.queueing.length > QUEUE_AHEAD) await this.queueing.shift();
  }

  /** Waits for every background add; throws the first failure. */
  async queued(): Promise<void> {
    const outcomes = await Promise.allSettled(this.queueing.splice(0));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  constructor(
    readonly runId: string,
    readonly rescan: boolean,
    readonly tombstonesByPath: Map<string, Tombstone>,
    readonly tombstonesByHash: Map<string, Tombstone>,
  ) {}
}

const contentKey = (hash: string, size: number) => `${hash}:${size}`;
const sameStamp = (a: FileStamp, b: FileStamp) => a.size === b.size && a.mtimeMs === b.mtimeMs;

function request(id: string, relPath: string, file: { hash: string; type: DetectedType }): MediaWorkRequest {
  return { assetId: id, relPath, contentHash: file.hash, kinds: KINDS[file.type.mediaType] };
}

/**
 * One index run over the originals: new, changed, moved and removed files, decided by path, size
 * and modification time first and the content hash only when those differ (a rescan hashes
 * everything). Tombstoned content stays out. Metadata and derivative jobs are queued as assets are
 * written; progress is saved as it goes.
 */
export class Indexer {
  constructor(private readonly deps: IndexerDeps) {}

  async run(run: IndexRun): Promise<IndexCounts> {
    const tombstones = await this.deps.files.tombstones();
    const state = new RunState(
      run.id,
      run.rescan,
      new Map(tombstones.map((t) => [t.path, t])),
      new Map(tombstones.map((t) => [t.contentHash, t])),
    );
    try {
      await this.walk(state);
      await this.reconcile(state);
      if (run.rescan) await this.requeueIncomplete(state);
      await this.deps.runs.finish(run.id, { status: 'completed', counts: state.counts }, this.deps.now());
      return state.counts;
    } catch (error) {
      await state.written().catch(() => undefined);
      await state.queued().catch(() => undefined);
      await this.deps.runs.finish(
        run.id,
        { status: 'failed', counts: state.counts, error: (error as Error).message },
        this.deps.now(),
      );
      throw error;
    }
  }

  private async walk(state: RunState): Promise<void> {
    const root = await realpath(this.deps.originalsPath).catch(() => {
      throw new InstanceError('ERR_ORIGINALS_UNAVAILABLE', 'the originals folder cannot be read', 503);
    });
    // The next folder is listed, stat'ed and looked up in the database while this one's files are read.
    const folders = walkOriginals(root);
    const lookAhead = () => {
      const next = folders.next().then((step) => (step.done ? undefined : this.lookUp(step.value, state)));
      // Settled in the loop, or dropped when this run fails first.
      next.catch(() => undefined);
      return next;
    };
    let ahead = lookAhead();
    try {
      for (;;) {
        const next = await ahead;
        if (!next) break;
        ahead = lookAhead();
        this.deps.signal?.throwIfAborted();
        await this.folder(next, state);
        if (state.pending.length >= FLUSH_EVERY) await this.flush(state);
        await this.progress(state);
      }
    } finally {
      await folders.return(undefined).catch(() => undefined);
    }
  }

  /** What the database knows of a folder's files (its assets, its ignored files). */
  private async lookUp(walked: WalkedFolder, state: RunState): Promise<LookedUp> {
    if (walked.unreadable) return { walked, moves: state.moves };
    const moves = state.moves;
    const [known, ignored] = await Promise.all([
      this.deps.files.knownInFolder(walked.folder),
      this.deps.files.ignoredInFolder(walked.folder),
    ]);
    return { walked, moves, known, ignored };
  }

  private async folder(looked: LookedUp, state: RunState): Promise<void> {
    const { walked } = looked;
    const { counts } = state;
    for (const passed of walked.passed) {
      if (passed.reason === 'symlink_outside' || passed.reason === 'unsafe_name') counts.refused++;
      else counts.skipped++;
    }
    if (walked.unreadable) {
      counts.errors++;
      return;
    }
    state.visited.push(walked.folder);
    // Only this run's moves change what another folder holds (new assets go to walked folders).
    const known =
      looked.known && looked.moves === state.moves
        ? looked.known
        : await this.deps.files.knownInFolder(walked.folder);
    const ignored = looked.ignored ?? (await this.deps.files.ignoredInFolder(walked.folder));
    const stillIgnored = new Set<string>();
    await forEachLimit(walked.files, READ_CONCURRENCY, async (file) => {
      this.deps.signal?.throwIfAborted();
      counts.seen++;
      const asset = known.get(file.relPath);
      known.delete(file.relPath);
      try {
        if (asset) await this.knownFile(file, asset, state);
        else if (await this.newFile(file, ignored.get(file.relPath), state)) stillIgnored.add(file.relPath);
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        counts.errors++;
      }
    });
    for (const asset of known.values()) if (!asset.missing) state.vanished.set(asset.id, asset);
    await this.deps.files.unignore([...ignored.keys()].filter((path) => !stillIgnored.has(path)));
  }

  private async knownFile(file: FoundFile, asset: KnownAsset, state: RunState): Promise<void> {
    const now = this.deps.now();
    if (sameStamp(asset, file) && !state.rescan) {
      if (asset.missing) await this.deps.files.restore([asset.id], now);
      if (asset.missing) state.counts.restored++;
      else state.counts.unchanged++;
      return;
    }
    const { hash, type } = await this.read(file, state);
    if (hash === asset.contentHash) {
      if (!sameStamp(asset, file) || asset.missing) await this.deps.files.restamp(asset.id, file, now);
      if (asset.missing) state.counts.restored++;
      else state.counts.unchanged++;
      return;
    }
    if (!type) {
      // The path now holds something that is no photo or video: the asset is gone from it.
      await this.deps.files.ignore(file.relPath, file, 'unsupported');
      state.vanished.set(asset.id, asset);
      state.counts.skipped++;
      return;
    }
    await this.deps.files.replaceContent(
      asset.id,
      {
        size: file.size,
        mtimeMs: file.mtimeMs,
        contentHash: hash,
        mediaType: type.mediaType,
        mime: type.mime,
      },
      now,
    );
    state.counts.changed++;
    state.counts.jobsQueued += await this.deps.queue.requeue(request(asset.id, file.relPath, { hash, type }));
  }

  /** A file at a path with no asset; true when it stays an ignored file. */
  private async newFile(file: FoundFile, ignored: FileStamp | undefined, state: RunState): Promise<boolean> {
    if (ignored && sameStamp(ignored, file) && !state.rescan) {
      state.counts.skipped++;
      return true;
    }
    const tombstone = state.tombstonesByPath.get(file.relPath);
    if (tombstone && sameStamp(tombstone, file) && !state.rescan) {
      state.counts.tombstoned++;
      return false;
    }
    const { hash, type } = await this.read(file, state);
    if (!type) {
      await this.deps.files.ignore(file.relPath, file, 'unsupported');
      state.counts.skipped++;
      return true;
    }
    const buried = state.tombstonesByHash.get(hash);
    if (buried) {
      await this.deps.files.restampTombstone({
        ...buried,
        path: file.relPath,
        size: file.size,
        mtimeMs: file.mtimeMs,
      });
      state.counts.tombstoned++;
      return false;
    }
    state.pending.push({ ...file, hash, type });
    return false;
  }

  private async read(file: FoundFile, state: RunState): Promise<FileFacts> {
    const facts = await readFileFacts(file.realPath, file.size);
    state.counts.hashed++;
    state.counts.bytesHashed += file.size;
    return facts;
  }

  /**
   * Writes pending files: one whose content matches an asset that vanished (in this run, or missing
   * since an earlier one) is that asset, moved; the others become new assets and get their jobs.
   */
  private async flush(state: RunState): Promise<void> {
    const batch = state.pending;
    state.pending = [];
    if (!batch.length) return;
    const now = this.deps.now();
    const candidates = new Map<string, KnownAsset[]>();
    const missing = await this.deps.files.missingWithHashes(batch.map((f) => f.hash));
    for (const asset of [...state.vanished.values(), ...missing]) {
      const key = contentKey(asset.contentHash, asset.size);
      candidates.set(key, [...(candidates.get(key) ?? []), asset]);
    }
    const fresh: NewAsset[] = [];
    const jobs: MediaWorkRequest[] = [];
    for (const file of batch) {
      const moved = candidates.get(contentKey(file.hash, file.size))?.shift();
      if (moved) {
        await this.deps.files.move(
          moved.id,
          { path: file.relPath, size: file.size, mtimeMs: file.mtimeMs },
          now,
        );
        state.vanished.delete(moved.id);
        state.counts.moved++;
        state.moves++;
        continue;
      }
      const id = randomUUID();
      fresh.push({
        id,
        path: file.relPath,
        size: file.size,
        mtimeMs: file.mtimeMs,
        contentHash: file.hash,
        mediaType: file.type.mediaType,
        mime: file.type.mime,
      });
      jobs.push(request(id, file.relPath, file));
      const key = contentKey(file.hash, file.size);
      state.inserted.set(key, [...(state.inserted.get(key) ?? []), { id, file }]);
    }
    state.counts.added += fresh.length;
    // The rows are written, then their jobs queued (a job's result needs its row), while the walk
    // reads on: the database, Redis and the walk overlap instead of taking turns.
    await state.write(async () => {
      await this.deps.files.insertAssets(fresh, now);
      await state.queue(this.deps.queue.addNew(jobs));
    });
  }

  /**
   * After the walk: assets of folders that went away vanished too; a vanished asset whose content
   * this run inserted elsewhere was moved (it keeps its id, albums and tags, the new row goes);
   * what is left is missing. An originals folder that looks empty marks nothing missing.
   */
  private async reconcile(state: RunState): Promise<void> {
    state.phase = 'reconciling';
    await this.flush(state);
    await state.written();
    for (const asset of await this.deps.files.presentOutside(state.visited))
      state.vanished.set(asset.id, asset);
    if (state.counts.seen === 0 && state.vanished.size > 0) {
      throw new InstanceError(
        'ERR_ORIGINALS_UNAVAILABLE',
        `the originals folder looks empty; ${state.vanished.size} assets were left as they were`,
        503,
      );
    }
    const now = this.deps.now();
    for (const asset of [...state.vanished.values()]) {
      const twin = state.inserted.get(contentKey(asset.contentHash, asset.size))?.shift();
      if (!twin) continue;
      await this.deps.files.move(
        asset.id,
        { path: twin.file.relPath, size: twin.file.size, mtimeMs: twin.file.mtimeMs },
        now,
        twin.id,
      );
      state.vanished.delete(asset.id);
      state.counts.moved++;
      state.counts.added--;
    }
    await this.deps.files.markMissing([...state.vanished.keys()], now);
    state.counts.removed += state.vanished.size;
    await this.deps.files.syncFolders(now);
    await state.queued();
    await this.progress(state, true);
  }

  /** A rescan also queues again what a cleared cache or an earlier failure left without derivatives. */
  private async requeueIncomplete(state: RunState): Promise<void> {
    state.phase = 'queueing';
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await this.deps.files.presentAfter(after, RECHECK_BATCH);
      if (!batch.length) return;
      after = batch[batch.length - 1]!.id;
      for (const asset of batch) {
        this.deps.signal?.throwIfAborted();
        if (asset.hasMetadata && (await this.derivativesPresent(asset))) continue;
        const type = { mediaType: asset.mediaType } as DetectedType;
        state.counts.jobsQueued += await this.deps.queue.requeue(
          request(asset.id, asset.path, { hash: asset.contentHash, type }),
        );
      }
      await this.progress(state);
    }
  }

  private async derivativesPresent(asset: {
    mediaType: 'image' | 'video';
    derivatives: Record<string, string>;
    playback: string | null;
  }): Promise<boolean> {
    for (const kind of KINDS[asset.mediaType]) {
      // A video that plays as it is has no video derivative once its job said so.
      if (kind === 'video' && asset.playback === 'original') continue;
      const path = asset.derivatives[kind];
      if (!path || !(await stat(join(this.deps.cachePath, path)).catch(() => undefined))) return false;
    }
    return true;
  }

  private async progress(state: RunState, force = false): Promise<void> {
    const at = Date.now();
    if (!force && at - state.lastProgress < PROGRESS_EVERY_MS) return;
    state.lastProgress = at;
    await this.deps.runs.progress(state.runId, state.phase, state.counts, this.deps.now());
  }
}
