import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingFileStore } from './hashing-file-store.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pieces = (bytes: Buffer, size = 7_000) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

describe('HashingFileStore', () => {
  let directory: string;
  let n = 0;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'atrium-hashing-store-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function created(store: HashingFileStore, size: number): Promise<string> {
    const id = `upload${n++}`;
    await store.create(new Upload({ id, size, offset: 0 }));
    return id;
  }

  it('hashes the bytes as they arrive, over several PATCHes, and writes them all', async () => {
    const store = new HashingFileStore({ directory });
    const bytes = randomBytes(300_000);
    const id = await created(store, bytes.length);
    expect(await store.write(pieces(bytes.subarray(0, 100_000)), id, 0)).toBe(100_000);
    expect(await store.write(pieces(bytes.subarray(100_000)), id, 100_000)).toBe(bytes.length);
    expect(await readFile(join(directory, id))).toEqual(bytes);
    expect(store.takeDigest(id, bytes.length)).toBe(sha(bytes));
    expect(store.takeDigest(id, bytes.length)).toBeUndefined();
  });

  it('catches up from the file when the first part came through another replica', async () => {
    const a = new HashingFileStore({ directory });
    const b = new HashingFileStore({ directory });
    const bytes = randomBytes(250_000);
    const id = await created(a, bytes.length);
    await a.write(pieces(bytes.subarray(0, 90_000)), id, 0);
    await b.write(pieces(bytes.subarray(90_000)), id, 90_000);
    expect(b.takeDigest(id, bytes.length)).toBe(sha(bytes));
    // A's running hash saw only the first part: it hands out nothing.
    expect(a.takeDigest(id, bytes.length)).toBeUndefined();
  });

  it('hands out no hash for bytes it did not see in full, and recovers after a broken write', async () => {
    const store = new HashingFileStore({ directory });
    const bytes = randomBytes(200_000);
    const id = await created(store, bytes.length);
    const broken = new Readable({
      read() {
        this.push(bytes.subarray(0, 50_000));
        this.destroy(new Error('the client went away'));
      },
    });
    await expect(store.write(broken, id, 0)).rejects.toMatchObject({ status_code: 500 });
    // What reached the disk decides where the client resumes; say the first 30,000 bytes did.
    await writeFile(join(directory, id), bytes.subarray(0, 30_000));
    expect(await store.write(pieces(bytes.subarray(30_000)), id, 30_000)).toBe(bytes.length);
    expect(store.takeDigest(id, bytes.length)).toBe(sha(bytes));
  });

  it('hands out no hash for a size other than what it saw, and forgets a removed upload', async () => {
    const store = new HashingFileStore({ directory });
    const bytes = randomBytes(10_000);
    const id = await created(store, bytes.length);
    await store.write(pieces(bytes), id, 0);
    expect(store.takeDigest(id, bytes.length + 1)).toBeUndefined();
    const other = await created(store, bytes.length);
    await store.write(pieces(bytes), other, 0);
    await store.remove(other);
    expect(store.takeDigest(other, bytes.length)).toBeUndefined();
  });
});
