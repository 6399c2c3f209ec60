// The bare baseline for tus uploads: the least an HTTP server can do to take a resumable upload
// — a node:http server that creates a file on POST, writes each PATCH at its offset, and flushes
// the file and its folder to disk (fsync) when the last byte is in. No checks, no hash, no
// database, no queue: what is left between it and `cp` is HTTP itself.
import { createWriteStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

async function flush(path) {
  const handle = await open(path, 'r');
  await handle.sync();
  await handle.close();
}

/** Starts the bare upload server writing into `dir`; resolves to its URL, path and close(). */
export async function startBareUploadServer(dir) {
  const uploads = new Map();
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'POST') {
        const id = String(uploads.size);
        uploads.set(id, { size: Number(req.headers['upload-length']), offset: 0 });
        await writeFile(join(dir, id), '');
        req.resume();
        res.writeHead(201, { location: `/bare/${id}` }).end();
        return;
      }
      const id = req.url.slice('/bare/'.length);
      const upload = uploads.get(id);
      if (req.method !== 'PATCH' || !upload || Number(req.headers['upload-offset']) !== upload.offset) {
        req.resume();
        res.writeHead(409).end();
        return;
      }
      let received = 0;
      req.on('data', (chunk) => (received += chunk.length));
      await pipeline(req, createWriteStream(join(dir, id), { flags: 'r+', start: upload.offset }));
      upload.offset += received;
      if (upload.offset < upload.size) {
        res.writeHead(204, { 'upload-offset': String(upload.offset) }).end();
        return;
      }
      await flush(join(dir, id));
      await flush(dir);
      res.writeHead(200, { 'upload-offset': String(upload.offset) }).end('{}');
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    path: '/bare',
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
