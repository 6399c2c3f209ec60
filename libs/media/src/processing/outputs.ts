import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFile, sweepStaleTemps, tempPathFor, writeFileAtomic } from '../files.js';
import type { ResolvedParams } from '../jobs/params.js';
import { derivativeDir, derivativeRelPath, type DerivativeKind } from '../paths.js';

/** Where one content hash's derivatives go in an instance's cache. */
export class DerivativeOutputs {
  constructor(
    private readonly cachePath: string,
    private readonly contentHash: string,
    private readonly params: ResolvedParams,
  ) {}

  /** The derivative folder (absolute). */
  get dir(): string {
    return join(this.cachePath, derivativeDir(this.contentHash));
  }

  /** A derivative's path relative to CACHE_PATH (what results carry). */
  relPath(kind: DerivativeKind): string {
    return derivativeRelPath(this.contentHash, kind, this.params.previewFormat);
  }

  /** A derivative's absolute path. */
  absPath(kind: DerivativeKind): string {
    return join(this.cachePath, this.relPath(kind));
  }

  /** Creates the folder and clears temporaries a killed worker left there more than `staleMs` ago. */
  async prepare(staleMs: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await sweepStaleTemps(this.dir, staleMs);
  }

  /** Writes encoded bytes into place (temporary name, then rename); returns the relative path. */
  async write(kind: DerivativeKind, data: Uint8Array): Promise<string> {
    await writeFileAtomic(this.absPath(kind), data);
    return this.relPath(kind);
  }

  /** A temporary path for a tool (ffmpeg) to write `kind` to before {@link commit}. */
  tempFor(kind: DerivativeKind): string {
    return tempPathFor(this.absPath(kind));
  }

  /** Renames a finished temporary file into place; returns the relative path. */
  async commit(kind: DerivativeKind, tempPath: string): Promise<string> {
    await commitFile(tempPath, this.absPath(kind));
    return this.relPath(kind);
  }
}
