import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, stdSerializers, type Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import pretty from 'pino-pretty';
import type { ObservabilityConfig, ServerLogLevel } from './observability.js';
import { currentRequestId } from './request-context.js';

/**
 * Paths pino censors in every line: credentials in headers and in objects a caller logs. Query
 * strings and token-like path segments are cut from URLs by {@link safeUrl} before they are logged.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.idToken',
  '*.code',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A URL fit for a log line: query values replaced by `*` (codes, states, tokens travel there) and
 * long token-like path segments (a setup link, a share link) replaced by `:token`; UUIDs stay.
 */
export function safeUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const cleanPath = path
    .split('/')
    .map((segment) => (segment.length >= 20 && /^[A-Za-z0-9_~.%-]+$/.test(segment) && !UUID.test(segment) ? ':token' : segment))
    .join('/');
  if (query === undefined) return cleanPath;
  const names = query
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]}=*`);
  return `${cleanPath}?${names.join('&')}`;
}

const loggers = new WeakMap<ObservabilityConfig, Map<string, Pino>>();

/** One pino logger per service and configuration: Nest's lines and request lines share it. */
export function serviceLogger(config: ObservabilityConfig, service: string): Pino {
  let byService = loggers.get(config);
  if (!byService) loggers.set(config, (byService = new Map()));
  let logger = byService.get(service);
  if (!logger) byService.set(service, (logger = createPino(config, service)));
  return logger;
}

function createPino(config: ObservabilityConfig, service: string): Pino {
  const options = {
    level: config.logLevel,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Lines written while a request is served carry its id, wherever they come from.
    mixin: (_merge: object, _level: number, child: Pino) => {
      const reqId = currentRequestId();
      return reqId && !('reqId' in child.bindings()) ? { reqId } : {};
    },
  };
  if (config.logFormat === 'json') return pino(options);
  const stream = pretty({ colorize: process.stdout.isTTY === true, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return pino(options, stream);
}

const NEST_TO_PINO: Record<LogLevel, ServerLogLevel> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's logger over pino, so framework lines and `new Logger(context)` lines are JSON (or pretty)
 * like request lines. `levels` (tests quieten apps with `['error']`) overrides LOG_LEVEL.
 */
export class NestPinoLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.pino.level = lowestLevel(levels);
  }

  private write(level: Exclude<ServerLogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes the context last; error() passes a stack before it.
    const context = rest.length && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) fields.err = stdSerializers.err(message);
    else if (typeof message === 'object' && message !== null) Object.assign(fields, message);
    if (stack) fields.stack = stack;
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : undefined;
    this.pino[level](fields, text);
  }
}

function lowestLevel(levels: LogLevel[]): ServerLogLevel {
  const order: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
  const lowest = order.find((l) => levels.includes(l));
  return lowest ? NEST_TO_PINO[lowest] : 'silent';
}

/**
 * The Nest logger an app is created with (`NestFactory.create(module, { logger })`). With `levels`
 * (tests quieten apps with `['error']`), the service's request lines follow the same level.
 */
export function nestLogger(config: ObservabilityConfig, service: string, levels?: LogLevel[] | false): NestPinoLogger {
  const logger = new NestPinoLogger(serviceLogger(config, service));
  if (levels === false) logger.pino.level = 'silent';
  else if (levels) logger.setLogLevels(levels);
  return logger;
}

/**
 * One line per finished request: method, safe URL, status, time, the client address. Request ids
 * come from the request context ({@link currentRequestId}), credentials never reach the line.
 */
export function requestLogger(logger: Pino): HttpLogger {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    genReqId: (req) => currentRequestId() ?? (req as { id?: string }).id ?? 'none',
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${safeUrl(req.url ?? '/')} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${safeUrl(req.url ?? '/')} ${res.statusCode}`,
    // pino-http makes up an Error for every 5xx; the error filter logs the real one with its stack.
    customErrorObject: (_req, _res, _error, value: Record<string, unknown>) => ({ ...value, err: undefined }),
    serializers: {
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => {
        const raw = (req.raw ?? req) as IncomingMessage & { ip?: string; originalUrl?: string };
        return {
          method: raw.method,
          url: safeUrl(raw.originalUrl ?? raw.url ?? '/'),
          remoteAddress: raw.ip ?? raw.socket?.remoteAddress,
          userAgent: raw.headers['user-agent'],
        };
      },
      res: (res: ServerResponse & { raw?: ServerResponse }) => ({ statusCode: (res.raw ?? res).statusCode }),
    },
  });
}
