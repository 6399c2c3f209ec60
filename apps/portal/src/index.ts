export { serve, migrate, createPortalApp } from './main.js';
export type { PortalAppOptions } from './main.js';
export { loadPortalConfig } from './config.js';
export type { PortalConfig } from './config.js';
export { PortalModule } from './app.module.js';
export { openPortalAdmin } from './admin.js';
export type { PortalAdmin, PortalAdminOptions } from './admin.js';
export { PortalError } from './common/errors.js';
export type { PortalErrorCode } from './common/errors.js';
