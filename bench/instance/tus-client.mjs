// A tus client for the transfer benchmark, run as its own process (as a browser is not the server):
// uploads the files given in argv[2] (JSON: { url, path, cookie, files, concurrency, chunkBytes })
// as the instance's upload page does — several files at once, each in PATCHes of `chunkBytes` —
// and prints { uploaded, failures } as JSON. The same client uploads to the bare baseline server.
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';

const { url, path, cookie, files, concurrency, chunkBytes } = JSON.parse(process.argv[2]);
const base = { cookie: cookie ?? '', origin: url, 'tus-resumable': '1.0.0' };

function send(method, target, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(target, url), { method, headers: { ...base, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (error) => reject(new Error(`${method} ${target}: ${error.message}`)));
    if (body) pipeline(body, req).catch(() => undefined);
    else req.end();
  });
}

async function upload(file) {
  const size = statSync(file).size;
  const meta = `filename ${Buffer.from(basename(file)).toString('base64')},folder ${Buffer.from('bench').toString('base64')}`;
  const created = await send('POST', path, { 'upload-length': String(size), 'upload-metadata': meta });
  if (created.status !== 201) throw new Error(`create ${created.status} ${created.body}`);
  for (let offset = 0; offset < size; ) {
    const length = Math.min(chunkBytes, size - offset);
    const body = createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: 1 << 20 });
    const headers = { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(length) };
    const res = await send('PATCH', created.headers.location, headers, body);
    offset += length;
    const expected = offset === size ? 200 : 204;
    if (res.status !== expected) throw new Error(`patch ${res.status} ${res.body}`);
  }
}

const queue = [...files];
const failures = [];
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await upload(file).catch((error) => failures.push(`${basename(file)}: ${error.message}`));
  }),
);
console.log(JSON.stringify({ uploaded: files.length - failures.length, failures }));
