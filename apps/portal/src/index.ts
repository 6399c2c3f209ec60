export { serve, migrate } from './main.js';
export { loadPortalConfig } from './config.js';
export type { PortalConfig } from './config.js';
export { PortalModule } from './app.module.js';
