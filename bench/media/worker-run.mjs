// Runs the real worker as its own process (as `atrium worker` does) against real Redis, drives it
// the way an instance does (enqueue with libs/media's helper, consume `results`), and samples its
// memory and CPU from /proc.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA_QUEUES, RESULTS_QUEUE, enqueueMediaJobs, hashFile, mediaJobId, queuePrefix } from '@atrium/media';
import { freePort, startRedis } from '@atrium/testing';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const CLOCK_TICKS = 100;

/** An instance's folders and its own Redis. */
export async function makeInstance(root, name) {
  const redis = await startRedis({ appendOnly: true });
  const instance = { name, redisUrl: redis.url, originalsPath: join(root, name, 'originals'), cachePath: join(root, name, 'cache') };
  mkdirSync(instance.originalsPath, { recursive: true });
  mkdirSync(instance.cachePath, { recursive: true });
  return { instance, redis };
}

/** Starts a worker process for `instances` and waits until it is ready. */
export async function startWorker(instances, env = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e', "import { main } from '@atrium/worker'; await main();"], {
    env: { ...process.env, NODE_ENV: 'production', WORKER_INSTANCES: JSON.stringify(instances), WORKER_PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; ; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) break;
    if (i > 300) throw new Error('worker did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory now and at its peak, in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `ms` until stopped; returns the samples. */
export function sampleRss(pid, ms = 200) {
  const samples = [];
  const timer = setInterval(() => {
    try {
      samples.push(memory(pid).rss);
    } catch {
      clearInterval(timer);
    }
  }, ms);
  return { samples, stop: () => clearInterval(timer) };
}

/** The instance side: queues to enqueue on and a consumer of `results`. */
export async function instanceSide(instance) {
  const connection = new Redis(instance.redisUrl, { maxRetriesPerRequest: null });
  const prefix = queuePrefix(instance.name);
  const queues = Object.fromEntries(MEDIA_QUEUES.map((q) => [q, new Queue(q, { connection, prefix })]));
  const results = new Map();
  const waiters = [];
  const consumer = new Worker(
    RESULTS_QUEUE,
    async (job) => {
      results.set(job.data.jobId, job.data);
      for (const w of waiters) w();
    },
    { connection, prefix, concurrency: 8 },
  );
  return {
    results,
    /** What an instance enqueues for each original (hashed, as indexing does, before any timing). */
    async prepare(names, kinds, withMetadata = false) {
      const requests = [];
      const ids = [];
      for (const relPath of names) {
        const contentHash = await hashFile(join(instance.originalsPath, relPath));
        const assetId = relPath.replace(/\W/g, '-');
        requests.push({ assetId, relPath, contentHash, kinds, metadata: withMetadata });
        const image = kinds.filter((k) => k !== 'video');
        if (image.length) ids.push(mediaJobId({ assetId, contentHash, kinds: image }));
        if (kinds.includes('video')) ids.push(mediaJobId({ assetId, contentHash, kinds: ['video'] }));
        if (withMetadata) ids.push(mediaJobId({ assetId, contentHash, kinds: [] }));
      }
      return { requests, ids };
    },
    /** Enqueues prepared requests; returns the job ids to wait for. */
    async enqueue({ requests, ids }) {
      for (const request of requests) await enqueueMediaJobs(queues, request);
      return ids;
    },
    /** Resolves when every id has a result; rejects on a failed one. */
    waitFor(ids) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const failed = ids.map((id) => results.get(id)).find((r) => r?.status === 'failed');
          if (failed) reject(new Error(`job ${failed.jobId} failed: ${failed.reason} ${failed.message}`));
          else if (ids.every((id) => results.has(id))) resolve([...ids].map((id) => results.get(id)));
        };
        waiters.push(check);
        check();
      });
    },
    async close() {
      await consumer.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    },
  };
}
