import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Content hashes are SHA-256, lowercase hex: what `contentHash` in a job payload must be. */
export const CONTENT_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The content hash of a file (SHA-256, lowercase hex), streamed. Instances hash originals with it
 * when indexing; workers check it before reusing or sharing derivatives.
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
