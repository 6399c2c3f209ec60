import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { detectBufferType, isMediaError, type DetectedType } from '@atrium/media';

// At most this much is read at a time; the first read holds what content detection looks at.
const CHUNK = 1 << 20;

/** What one read of a file tells: its content hash and, when it is a supported type, that type. */
export interface FileFacts {
  hash: string;
  type: DetectedType | null;
}

/**
 * Reads a file once: SHA-256 of the whole (the content hash of libs/media's `hashFile`), and the
 * type detected from its first bytes (libs/media's `detectBufferType`); `type` is null for content
 * that is not a supported photo or video. One buffer, sized to the file, serves every read: most
 * originals are read in one go and nothing is left for the garbage collector but that buffer.
 */
export async function readFileFacts(path: string, size: number): Promise<FileFacts> {
  const digest = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(size + 1, CHUNK)));
  let head: Buffer | undefined;
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      head ??= Buffer.from(chunk);
      digest.update(chunk);
    }
  } finally {
    await handle.close();
  }
  return { hash: digest.digest('hex'), type: await typeOf(head ?? Buffer.alloc(0)) };
}

async function typeOf(head: Buffer): Promise<DetectedType | null> {
  try {
    return await detectBufferType(head);
  } catch (error) {
    if (isMediaError(error, 'unsupported')) return null;
    throw error;
  }
}
