export { main } from './main.js';
export { loadWorkerConfig } from './config.js';
export type { WorkerConfig, WorkerInstance } from './config.js';
