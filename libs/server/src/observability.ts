import { ConfigError, type EnvReader } from './config.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type ServerLogLevel = (typeof LOG_LEVELS)[number];

/** How a service logs and where it exposes `/metrics` (docs/configuration.md, "Every service"). */
export interface ObservabilityConfig {
  /** `json`: one JSON object per line on stdout (containers); `pretty`: text for people. */
  logFormat: LogFormat;
  logLevel: ServerLogLevel;
  /** A second listener for `/metrics`, `/healthz` and `/readyz`; `/metrics` then leaves the main port. */
  metricsPort?: number;
  /** Address of that listener (`HOST`). */
  metricsHost?: string;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/**
 * Reads `LOG_FORMAT`, `LOG_LEVEL`, `METRICS_PORT` and `METRICS_TOKEN`. Without `LOG_FORMAT`, a
 * service logs JSON unless stdout is a terminal, so containers get JSON lines by default.
 */
export function readObservabilityConfig(reader: EnvReader, stdoutIsTty = process.stdout.isTTY === true): ObservabilityConfig {
  const format = reader.string('LOG_FORMAT', stdoutIsTty ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(format)) throw new ConfigError('LOG_FORMAT', `must be ${LOG_FORMATS.join(' or ')}`);
  const level = reader.string('LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const metricsPort = reader.optionalString('METRICS_PORT') === undefined ? undefined : reader.port('METRICS_PORT');
  const metricsToken = reader.optionalString('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  const metricsHost = reader.string('HOST', '0.0.0.0');
  return { logFormat: format as LogFormat, logLevel: level as ServerLogLevel, metricsPort, metricsHost, metricsToken };
}

/** What tests and tools use when they build an app without reading the environment. */
export const DEFAULT_OBSERVABILITY: ObservabilityConfig = { logFormat: 'json', logLevel: 'info' };
