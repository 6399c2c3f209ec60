import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNonEmptyFile, linkOrCopyAtomic, writeFileAtomic } from '../files.js';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaQueueName } from '../jobs/payload.js';
import { MediaError } from '../errors.js';
import { hashFile } from '../hash.js';
import { derivativeFileName, type DerivativeKind, type ResolvedOriginal } from '../paths.js';
import type { MediaJobOutcome } from './context.js';

const VERIFIED_MEMORY = 4096;

/** One stored variant: what a job produced, minus the instance-specific output paths. */
interface Manifest {
  readonly version: 1;
  readonly kinds: readonly DerivativeKind[];
  readonly outcome: Omit<MediaJobOutcome, 'outputs' | 'shared'>;
}

/** A hit: the stored outcome and the absolute paths of its files. */
export interface SharedHit {
  readonly outcome: Omit<MediaJobOutcome, 'outputs' | 'shared'>;
  readonly files: Readonly<Partial<Record<DerivativeKind, string>>>;
}

/**
 * The cluster's shared derivative store (docs/contracts.md §5): `<root>/<hash[0..2]>/<hash>/<variant>/`
 * holding a job's files and a `manifest.json`, keyed by content hash and the parameters that shape
 * the output. Only workers read and write it, and only for a content hash they have just verified
 * against the original, so one instance can never plant a file another instance will show.
 */
export class SharedDerivativeStore {
  private readonly verified = new Map<string, string>();

  constructor(readonly root: string) {}

  /**
   * Refuses (`stale`) an original whose content is not `expected`. A file's hash is remembered by
   * its fingerprint (inode, size, mtime, ctime: any write changes ctime), so the jobs of one asset
   * read it once.
   */
  async assertContent(original: ResolvedOriginal, expected: string): Promise<void> {
    let hash = this.verified.get(original.fingerprint);
    if (hash === undefined) {
      hash = await hashFile(original.path);
      if (this.verified.size >= VERIFIED_MEMORY) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(original.fingerprint, hash);
    }
    if (hash !== expected) throw new MediaError('stale', 'the original changed since it was indexed');
  }

  /** The variant folder of a job's outputs. */
  variantDir(contentHash: string, queue: MediaQueueName, params: ResolvedParams): string {
    return join(this.root, contentHash.slice(0, 2), contentHash, variantKey(queue, params));
  }

  /** The stored outcome when every requested kind is there, else undefined. */
  async fetch(contentHash: string, queue: MediaQueueName, params: ResolvedParams, kinds: readonly DerivativeKind[]): Promise<SharedHit | undefined> {
    const dir = this.variantDir(contentHash, queue, params);
    const manifest = await readManifest(join(dir, 'manifest.json'));
    if (!manifest || !kinds.every((k) => manifest.kinds.includes(k))) return undefined;
    const files: Partial<Record<DerivativeKind, string>> = {};
    for (const kind of kinds) {
      const path = join(dir, derivativeFileName(kind, params.previewFormat));
      if (!(await isNonEmptyFile(path))) return undefined;
      files[kind] = path;
    }
    return { outcome: manifest.outcome, files };
  }

  /**
   * Stores a job's files (hard links where possible, read-only so no holder can change them in
   * place) and then its manifest, which is what makes the variant visible.
   */
  async publish(
    contentHash: string,
    queue: MediaQueueName,
    params: ResolvedParams,
    files: Readonly<Partial<Record<DerivativeKind, string>>>,
    outcome: MediaJobOutcome,
  ): Promise<void> {
    const dir = this.variantDir(contentHash, queue, params);
    const known = (await readManifest(join(dir, 'manifest.json')))?.kinds ?? [];
    const kinds = Object.keys(files) as DerivativeKind[];
    for (const kind of kinds) {
      const target = join(dir, derivativeFileName(kind, params.previewFormat));
      await linkOrCopyAtomic(files[kind]!, target);
      await chmod(target, 0o444);
    }
    const { outputs: _outputs, shared: _shared, ...rest } = outcome;
    const manifest: Manifest = { version: 1, kinds: [...new Set([...known, ...kinds])].sort(), outcome: rest };
    await writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }
}

/** The parameters that shape a queue's outputs, as a folder name; metadata depends on none. */
export function variantKey(queue: MediaQueueName, p: ResolvedParams): string {
  switch (queue) {
    case 'metadata':
      return 'metadata-v1';
    case 'thumbnails':
      return `thumbnails-v1-t${p.thumbSize}q${p.thumbQuality}-p${p.previewSize}${p.previewFormat}q${p.previewQuality}`;
    case 'video':
      return `video-v1-s${p.videoSize}crf${p.videoCrf}${p.videoPreset}`;
  }
}

async function readManifest(path: string): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    return manifest.version === 1 && Array.isArray(manifest.kinds) ? manifest : undefined;
  } catch {
    return undefined;
  }
}
