export { ServerError, ErrorCodeFilter, toErrorResponse, notFound, forbidden, unauthorized } from './errors.js';
export type { ErrorBody, FallbackHandler } from './errors.js';
export { ConfigError, EnvReader, parseDuration, readCommonConfig, FEATURES } from './config.js';
export type { CommonConfig } from './config.js';
export { HealthModule, READINESS_CHECKS, METRICS_REGISTRY, OBSERVABILITY, SERVICE_NAME, MetricsListener, runChecks } from './health.js';
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
export { bootstrapApp, configureApp, httpPipeline } from './bootstrap.js';
export type { BootstrapOptions, HttpPipelineOptions } from './bootstrap.js';
export { readObservabilityConfig, DEFAULT_OBSERVABILITY, LOG_FORMATS, LOG_LEVELS } from './observability.js';
export type { ObservabilityConfig, LogFormat, ServerLogLevel } from './observability.js';
export { nestLogger, serviceLogger, safeUrl, NestPinoLogger, REDACTED_PATHS } from './logging.js';
export { currentRequestId, withRequestId, proxyMatcher, REQUEST_ID } from './request-context.js';
export { securityHeaders, sandboxFileHeaders, cspNonce } from './security-headers.js';
export { httpMetrics } from './http-metrics.js';
export { startMetricsListener, hasBearer } from './metrics-listener.js';
export { SettingEntity, Settings1763900000000, getSetting, putSetting } from './settings.js';
export { NoNulBytes, storable } from './validation.js';
export { rateLimit, readRateLimits, parseRateRule } from './rate-limit.js';
export type { RateLimits, RateRule } from './rate-limit.js';
