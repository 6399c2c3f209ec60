export { serve, migrate } from './main.js';
export { loadInstanceConfig } from './config.js';
export type { InstanceConfig } from './config.js';
export { InstanceModule } from './app.module.js';
