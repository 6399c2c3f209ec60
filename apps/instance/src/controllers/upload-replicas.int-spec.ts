import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieJar } from '@atrium/testing';
import { InstanceHarness, type InstanceReplica } from '../test/instance.js';
import { sessionJar } from '../test/sessions.js';
import { noisyJpeg } from '../test/upload-files.js';

// Two replicas of one instance behind a load balancer: one database, one Redis, one UPLOAD_TMP_PATH.
let a: InstanceHarness;
let b: InstanceReplica;
let ann: CookieJar;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const tus = { 'tus-resumable': '1.0.0' };
const patchHeaders = (offset: number) => ({ ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? -1;
}

beforeAll(async () => {
  a = await InstanceHarness.start({ name: 'family', identity: 'none' });
  await mkdir(a.config.originalsPath, { recursive: true });
  b = await a.replica();
  ann = await sessionJar(a, { id: 'ann', role: 'contributor', uploadPath: 'uploads/ann', basePath: 'people/ann' });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

describe('tus uploads across replicas', () => {
  it('a replica asked about an upload another is writing gets it released, takes the rest, and hashes every byte', async () => {
    const bytes = await noisyJpeg(640, 480);
    const created = await a.request(ann, '/api/uploads', {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': `filename ${Buffer.from('moved.jpg').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const partial = join(a.config.uploads.tmpPath, location.split('/').pop()!);
    const half = Math.floor(bytes.length / 2);
    // On replica A the client sends half, then stalls (a phone that lost its network, say).
    let stalled!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        stalled = controller;
        controller.enqueue(new Uint8Array(bytes.subarray(0, half)));
      },
    });
    const first = a
      .request(ann, location, { method: 'PATCH', headers: patchHeaders(0), body, duplex: 'half' } as RequestInit)
      .then((res) => res.status, () => 'closed');
    for (let waited = 0; (await sizeOf(partial)) < half && waited < 10_000; waited += 50) await sleep(50);
    expect(await sizeOf(partial)).toBe(half);

    // The client comes back through replica B: its HEAD makes A's PATCH let go of the upload.
    const head = await b.request(ann, location, { method: 'HEAD', headers: tus });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    expect(await first).not.toBe(200);
    stalled.close();

    const done = await b.request(ann, location, { method: 'PATCH', headers: patchHeaders(half), body: new Uint8Array(bytes.subarray(half)) });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'stored', path: 'uploads/ann/moved.jpg', contentHash: sha(bytes) });
    expect(await readFile(join(a.config.originalsPath, 'uploads/ann/moved.jpg'))).toEqual(bytes);
    const rows = await a.app.get(DataSource).query('SELECT content_hash FROM assets WHERE path = $1', ['uploads/ann/moved.jpg']);
    expect(rows).toEqual([{ content_hash: sha(bytes) }]);
  });

  it('answers a retry racing the original on another replica with a clear refusal, storing the file once', async () => {
    const bytes = await noisyJpeg(320, 240);
    const created = await a.request(ann, '/api/uploads', {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': `filename ${Buffer.from('raced.jpg').toString('base64')}` },
    });
    const location = created.headers.get('location')!;
    // The same first PATCH sent to both replicas at once (a retry racing the original).
    const answers = await Promise.all(
      [a, b].map((replica) =>
        replica.request(ann, location, { method: 'PATCH', headers: patchHeaders(0), body: new Uint8Array(bytes) }).then(async (res) => ({
          status: res.status,
          body: (await res.json().catch(() => ({}))) as { status?: string; error?: { code: string } },
        })),
      ),
    );
    const stored = answers.filter((answer) => answer.status === 200);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body).toMatchObject({ status: 'stored', contentHash: sha(bytes) });
    // The other was refused with a clear code, and wrote nothing of its own.
    const other = answers.find((answer) => answer.status !== 200)!;
    expect([409, 404, 423]).toContain(other.status);
    expect(await readFile(join(a.config.originalsPath, 'uploads/ann/raced.jpg'))).toEqual(bytes);
  });
});
