export { serve, migrate, createInstanceApp } from './main.js';
export type { InstanceAppOptions } from './main.js';
export { loadInstanceConfig } from './config.js';
export type { InstanceConfig } from './config.js';
export { InstanceModule } from './app.module.js';
export type { InstanceRuntimeOptions } from './app.module.js';
