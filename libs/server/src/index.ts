export { ServerError, ErrorCodeFilter, toErrorResponse, notFound, forbidden, unauthorized } from './errors.js';
export type { ErrorBody, FallbackHandler } from './errors.js';
export { ConfigError, EnvReader, parseDuration, readCommonConfig, FEATURES } from './config.js';
export type { CommonConfig } from './config.js';
export { HealthModule, READINESS_CHECKS, METRICS_REGISTRY, runChecks } from './health.js';
export type { ReadinessCheck, HealthOptions } from './health.js';
export {
  createDataSource,
  dataSourceOptions,
  runMigrations,
  migrateDatabase,
  pendingMigrations,
  databaseCheck,
  ensureDatabase,
} from './database.js';
export type { DatabaseOptions } from './database.js';
export { createRedis, redisCheck } from './redis.js';
export { loadNextUi } from './next-ui.js';
export { bootstrapApp, configureApp } from './bootstrap.js';
export type { BootstrapOptions } from './bootstrap.js';
export { SettingEntity, Settings1763900000000, getSetting, putSetting } from './settings.js';
export { NoNulBytes, storable } from './validation.js';
