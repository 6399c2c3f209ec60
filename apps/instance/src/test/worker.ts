// The real media worker (apps/worker) for instance tests, through its own test harness: one file
// is all the instance tests know of the worker's internals.
export { WorkerProcess, buildWorkerDist } from '@atrium/worker/testing';
