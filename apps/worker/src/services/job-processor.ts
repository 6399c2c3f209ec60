import { isMediaError, processMediaJob, resultJobId, type MediaContext, type MediaJobResult, type MediaQueueName } from '@atrium/media';
import { Logger } from '@nestjs/common';
import { REQUEST_ID, withRequestId } from '@atrium/server';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { completedResult, failedResult, type JobIdentity } from './job-results.js';
import type { WorkerMetrics } from './worker-metrics.js';

/** Where results go: the instance's `results` queue. */
export interface ResultSink {
  add(name: string, data: MediaJobResult, opts: { jobId: string; removeOnComplete: true; removeOnFail: false; attempts: number; backoff: { type: 'exponential'; delay: number } }): Promise<unknown>;
}

/** What one processor needs: the instance's media context, its results queue, metrics. */
export interface ProcessorDeps {
  readonly instance: string;
  readonly queue: MediaQueueName;
  readonly context: MediaContext;
  readonly results: ResultSink;
  readonly metrics: WorkerMetrics;
  /** True once SIGTERM arrived: an aborted job is then handed back, not failed. */
  readonly isShuttingDown: () => boolean;
}

/** Why a cancelled job was cancelled: the worker is stopping. */
export const SHUTDOWN_REASON = 'worker shutting down';

/**
 * The BullMQ processor of one queue — a thin shell over {@link processMediaJob}: reports every
 * completion and every final failure on `results`, fails content errors at once (no retry can fix
 * them), lets other errors retry with backoff, and hands a job cancelled by shutdown back.
 */
export function createProcessor(deps: ProcessorDeps) {
  const logger = new Logger(`worker:${deps.instance}`);
  const run = runJob(deps, logger);
  return (job: Job, token?: string, signal?: AbortSignal): Promise<{ outputs: number }> => {
    // Lines about a job carry the id of the request that queued it, when there was one.
    const requestId = (job.data as { requestId?: unknown } | undefined)?.requestId;
    return typeof requestId === 'string' && REQUEST_ID.test(requestId)
      ? withRequestId(requestId, () => run(job, token, signal))
      : run(job, token, signal);
  };
}

function runJob(deps: ProcessorDeps, logger: Logger) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<{ outputs: number }> => {
    const started = performance.now();
    const identity = (): JobIdentity => ({ id: job.id ?? '', data: job.data, attempts: job.attemptsMade + 1 });
    try {
      const outcome = await processMediaJob(deps.queue, job.data, { ...deps.context, signal, onProgress: (p) => void job.updateProgress(p).catch(() => undefined) });
      await report(deps.results, completedResult(deps.queue, identity(), outcome));
      deps.metrics.observe(deps.instance, deps.queue, 'completed', null, performance.now() - started);
      logger.log(`${deps.queue} job ${job.id} done in ${Math.round(performance.now() - started)} ms`);
      return { outputs: Object.keys(outcome.outputs).length };
    } catch (error) {
      if (signal?.aborted && deps.isShuttingDown()) {
        // Hand the job back untouched: another worker (or this one after a restart) takes it.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError(SHUTDOWN_REASON);
      }
      const final = isMediaError(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!final) throw error;
      const result = failedResult(deps.queue, identity(), error);
      await report(deps.results, result);
      deps.metrics.observe(deps.instance, deps.queue, 'failed', result.reason, performance.now() - started);
      logger.warn(`${deps.queue} job ${job.id} failed: ${result.reason}`);
      throw isMediaError(error) ? new UnrecoverableError(`${error.reason}: ${error.message}`) : error;
    }
  };
}

/** Puts a result on the `results` queue under an id of its own, so a repeated report is a no-op. */
export function report(results: ResultSink, result: MediaJobResult): Promise<unknown> {
  return results.add(result.status, result, {
    jobId: resultJobId(result),
    removeOnComplete: true,
    removeOnFail: false,
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
  });
}
