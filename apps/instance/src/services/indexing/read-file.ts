import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { detectBufferType, isMediaError, type DetectedType } from '@atrium/media';

// At most this much is read at a time; the first read holds what content detection looks at.
const CHUNK = 1 << 20;
// Buffers kept between files, one per read under way (the indexer reads two at a time).
const MAX_SPARE = 4;
const spare: Buffer[] = [];

/** What one read of a file tells: its content hash and, when it is a supported type, that type. */
export interface FileFacts {
  hash: string;
  type: DetectedType | null;
}

/**
 * Reads a file once: SHA-256 of the whole (the content hash of libs/media's `hashFile`), and the
 * type detected from its first bytes (libs/media's `detectBufferType`); `type` is null for content
 * that is not a supported photo or video. Reads go into a buffer of 1 MiB taken from a small pool
 * and given back afterwards: nothing is copied and nothing is left for the garbage collector. The
 * type is detected from the first chunk before the next read overwrites it.
 */
export async function readFileFacts(path: string, size: number): Promise<FileFacts> {
  const digest = createHash('sha256');
  const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  try {
    let type: DetectedType | null | undefined;
    const handle = await open(path, 'r');
    try {
      // The first read asks for one byte more than the size found, so most files need one more
      // read only to see the end.
      let length = Math.max(1, Math.min(size + 1, CHUNK));
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, length, null);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        digest.update(chunk);
        if (type === undefined) type = await typeOf(chunk);
        length = CHUNK;
      }
    } finally {
      await handle.close();
    }
    return { hash: digest.digest('hex'), type: type === undefined ? await typeOf(Buffer.alloc(0)) : type };
  } finally {
    if (spare.length < MAX_SPARE) spare.push(buffer);
  }
}

async function typeOf(head: Buffer): Promise<DetectedType | null> {
  try {
    return await detectBufferType(head);
  } catch (error) {
    if (isMediaError(error, 'unsupported')) return null;
    throw error;
  }
}
