import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS } from '@tus/utils';

/** Uploads whose running hash is kept between PATCH requests; beyond that, the oldest is dropped. */
const MAX_RUNNING_HASHES = 10_000;
// Writes of the received bytes go to disk in batches of up to this much (one writev each).
const WRITE_BUFFER = 4 << 20;

interface RunningHash {
  hash: Hash;
  /** How many bytes of the partial file `hash` has seen. */
  offset: number;
}

/**
 * tus' FileStore that hashes (SHA-256) the bytes as they arrive, so a finished upload needs no
 * second read of the whole file for its content hash. The running hash lives in this process
 * between the PATCH requests of one upload; node's crypto cannot persist a partial hash, so when
 * the next PATCH lands elsewhere (another replica, a restart, a failed write), the bytes already on
 * disk are hashed once to catch up. A hash is only ever handed out for exactly the bytes written.
 */
export class HashingFileStore extends FileStore {
  private readonly running = new Map<string, RunningHash>();

  override async write(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const path = join(this.directory, id);
    const state = this.take(id, offset) ?? (await hashPrefix(path, offset));
    let received = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        state.hash.update(chunk);
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(readable, hashing, createWriteStream(path, { flags: 'r+', start: offset, highWaterMark: WRITE_BUFFER }));
    } catch (error) {
      // What reached the disk is unknown: the next PATCH hashes the file from the start. A full
      // disk keeps its errno, which the upload service answers as such.
      throw (error as { code?: unknown }).code === 'ENOSPC' ? error : ERRORS.FILE_WRITE_ERROR;
    }
    state.offset += received;
    this.keep(id, state);
    return offset + received;
  }

  /**
   * The SHA-256 (hex) of upload `id` once all of its `size` bytes went through this process, or
   * undefined (the caller then hashes the file). The running hash is consumed either way.
   */
  takeDigest(id: string, size: number): string | undefined {
    const state = this.running.get(id);
    this.running.delete(id);
    return state && state.offset === size ? state.hash.digest('hex') : undefined;
  }

  override async remove(id: string): Promise<void> {
    this.running.delete(id);
    await super.remove(id);
  }

  /** The running hash of `id` if it has seen exactly `offset` bytes; taken out until the write ends. */
  private take(id: string, offset: number): RunningHash | undefined {
    const state = this.running.get(id);
    this.running.delete(id);
    return state && state.offset === offset ? state : undefined;
  }

  private keep(id: string, state: RunningHash): void {
    this.running.set(id, state);
    if (this.running.size > MAX_RUNNING_HASHES) this.running.delete(this.running.keys().next().value!);
  }
}

/** A hash of the first `length` bytes of the file at `path` (of fewer, if the file is shorter). */
async function hashPrefix(path: string, length: number): Promise<RunningHash> {
  const state = { hash: createHash('sha256'), offset: 0 };
  if (length === 0) return state;
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1, highWaterMark: 1 << 20 })) {
    state.hash.update(chunk as Buffer);
    state.offset += (chunk as Buffer).length;
  }
  return state;
}
