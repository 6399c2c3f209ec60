// `@atrium/worker/testing`: the real media worker as a child process for other projects' tests.
// Only test files import this entry point.
export { InstanceSide, WorkerProcess, buildWorkerDist, instanceDirs, waitFor, workerEnv } from './test/harness.js';
