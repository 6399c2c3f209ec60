// Indexing a tree of photos: the instance's indexer (walk, stat, type detection, hash, database
// writes, jobs queued) against a bare walk that only stats and hashes the same files.
import { createHash } from 'node:crypto';
import { mkdir, open, opendir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PER_FOLDER = 200;

/** Writes `count` distinct JPEGs of about `kb` KB (a tiny real JPEG, then bytes of its own after the end marker). */
export async function makeTree(root, count, kb) {
  const padding = kb * 1024;
  const sharp = (await import('sharp')).default;
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
    .jpeg()
    .toBuffer();
  for (let i = 0; i < count; i++) {
    const n = Math.floor(i / PER_FOLDER);
    const folder = join(root, `y${n % 5}`, `f${n}`);
    if (i % PER_FOLDER === 0) await mkdir(folder, { recursive: true });
    const tail = Buffer.alloc(padding, i % 251);
    tail.writeUInt32BE(i, 0);
    await writeFile(join(folder, `${i}.jpg`), Buffer.concat([jpeg, tail]));
  }
}

// Read as well as it can be done, as the indexer reads: into a reused 1 MiB buffer, no stream
// machinery, the first read asking for one byte more than the size.
async function hash(path, size, buffer) {
  const digest = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    let length = Math.max(1, Math.min(size + 1, buffer.length));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, length, null);
      if (bytesRead === 0) break;
      digest.update(buffer.subarray(0, bytesRead));
      length = buffer.length;
    }
  } finally {
    await handle.close();
  }
  return digest.digest('hex');
}

/** The baseline: every folder listed, every file stat'ed and hashed, two at a time as the indexer reads. */
export async function bareWalk(root) {
  const files = [];
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop();
    for await (const entry of await opendir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) files.push(path);
    }
  }
  let next = 0;
  const lane = async () => {
    const buffer = Buffer.allocUnsafeSlow(1 << 20);
    while (next < files.length) {
      const path = files[next++];
      const info = await stat(path);
      await hash(path, info.size, buffer);
    }
  };
  await Promise.all([lane(), lane()]);
  return files.length;
}
