import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MEDIA_QUEUES,
  RESULTS_QUEUE,
  enqueueMediaJobs,
  parseMediaJobResult,
  queuePrefix,
  type MediaJobResult,
  type MediaQueueLike,
  type MediaQueueName,
  type MediaWorkRequest,
} from '@atrium/media';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerInstance } from '../config.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Compiles what a worker process runs (incremental: only sources newer than their output). */
export function buildWorkerDist(): void {
  for (const project of ['libs/server', 'libs/media', 'apps/worker']) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--project', project, '--no-ui'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build of ${project} failed: ${r.stderr}`);
  }
}

/** An instance's folders under `root`. */
export function instanceDirs(root: string, name: string, redisUrl: string): WorkerInstance {
  const originalsPath = join(root, name, 'originals');
  const cachePath = join(root, name, 'cache');
  mkdirSync(originalsPath, { recursive: true });
  mkdirSync(cachePath, { recursive: true });
  return { name, redisUrl, originalsPath, cachePath };
}

/** A worker as its own process (the compiled `@atrium/worker`, as `atrium worker` runs it). */
export class WorkerProcess {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--input-type=module', '-e', "import { main } from '@atrium/worker'; await main();"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Env for a worker process serving `instances`. */
export function workerEnv(instances: WorkerInstance[], port: number, extra: Record<string, string> = {}): Record<string, string> {
  return { WORKER_INSTANCES: JSON.stringify(instances), WORKER_PORT: String(port), HOST: '127.0.0.1', ...extra };
}

/** Polls until `check` is true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The instance's side of the queues, as a test drives it: enqueues with the libs/media helper and
 * consumes `results` as the instance would, keeping every result by job id.
 */
export class InstanceSide {
  readonly results = new Map<string, MediaJobResult>();
  readonly connection: Redis;
  readonly queues: Record<MediaQueueName, Queue>;
  private readonly consumer: Worker;

  constructor(readonly instance: WorkerInstance) {
    this.connection = new Redis(instance.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    const prefix = queuePrefix(instance.name);
    this.queues = Object.fromEntries(MEDIA_QUEUES.map((q) => [q, new Queue(q, { connection: this.connection, prefix })])) as Record<MediaQueueName, Queue>;
    this.consumer = new Worker(
      RESULTS_QUEUE,
      async (job) => {
        const result = parseMediaJobResult(job.data);
        this.results.set(result.jobId, result);
      },
      { connection: this.connection, prefix, concurrency: 4 },
    );
    for (const emitter of [this.consumer, ...Object.values(this.queues)]) (emitter as Worker).on('error', () => undefined);
  }

  enqueue(request: MediaWorkRequest) {
    return enqueueMediaJobs(this.queues as unknown as Record<MediaQueueName, MediaQueueLike>, request);
  }

  /** Waits until results arrived for every id in `jobIds`. */
  async waitForResults(jobIds: string[], timeoutMs = 60_000): Promise<MediaJobResult[]> {
    await waitFor(`${jobIds.length} results on ${this.instance.name}`, () => jobIds.every((id) => this.results.has(id)), timeoutMs);
    return jobIds.map((id) => this.results.get(id)!);
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    this.connection.disconnect();
  }
}
