import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNonEmptyFile, linkOrCopyAtomic, writeFileAtomic } from '../files.js';
import type { ResolvedParams } from '../jobs/params.js';
import type { MediaQueueName } from '../jobs/payload.js';
import { derivativeFileName, type DerivativeKind } from '../paths.js';
import type { MediaJobOutcome } from './context.js';

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
 * The cluster's shared derivative store (CONTRACTS.md §5): `<root>/<hash[0..2]>/<hash>/<variant>/`
 * holding a job's files and a `manifest.json`, keyed by content hash and the parameters that shape
 * the output. Only workers read and write it, and only for a content hash they have just verified
 * against the original, so one instance can never plant a file another instance will show.
 */
export class SharedDerivativeStore {
  constructor(readonly root: string) {}

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
