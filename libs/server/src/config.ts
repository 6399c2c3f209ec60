import { ServerError } from './errors.js';
import { readObservabilityConfig, type ObservabilityConfig } from './observability.js';

/** Raised at start when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends ServerError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('ERR_CONFIG', `${variable}: ${message}`, 500);
  }
}

type Env = Record<string, string | undefined>;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `15m`, `12h`, `7d`, `250ms` or a bare number of seconds into milliseconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
}

/**
 * A typed reader over an environment object. Each getter validates one variable and throws a
 * {@link ConfigError} naming it; apps call these once, at start, and pass the typed result around.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) throw new ConfigError(name, 'is required');
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** An http(s) URL; `origin` requires no path, query or fragment (issuers, public URLs). */
  url(name: string, opts: { fallback?: string; origin?: boolean; protocols?: string[] } = {}): string {
    const value = this.string(name, opts.fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(name, `is not a URL: ${JSON.stringify(value)}`);
    }
    const protocols = opts.protocols ?? ['http:', 'https:'];
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
    }
    if (opts.origin) {
      if (parsed.pathname !== '/' || parsed.search || parsed.hash || value.endsWith('/')) {
        throw new ConfigError(name, 'must be an origin without a path or trailing slash (https://host[:port])');
      }
      return parsed.origin;
    }
    return value;
  }

  optionalUrl(name: string, opts: { origin?: boolean; protocols?: string[] } = {}): string | undefined {
    return this.raw(name) === undefined ? undefined : this.url(name, opts);
  }

  int(name: string, fallback?: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.raw(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new ConfigError(name, 'is required');
      return fallback;
    }
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
    const value = Number(raw);
    if (range.min !== undefined && value < range.min) throw new ConfigError(name, `must be at least ${range.min}`);
    if (range.max !== undefined && value > range.max) throw new ConfigError(name, `must be at most ${range.max}`);
    return value;
  }

  port(name: string, fallback?: number): number {
    return this.int(name, fallback, { min: 0, max: 65535 });
  }

  bool(name: string, fallback = false): boolean {
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    throw new ConfigError(name, `must be true or false, got ${JSON.stringify(raw)}`);
  }

  /** Milliseconds from a duration like `12h`. */
  duration(name: string, fallback: string): number {
    const raw = this.raw(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) throw new ConfigError(name, `must be a duration like 90s, 15m, 12h or 7d, got ${JSON.stringify(raw)}`);
    return ms;
  }

  /** A comma-separated list; `allowed` restricts the values. */
  list(name: string, allowed?: readonly string[]): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [];
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = allowed ? items.filter((i) => !allowed.includes(i)) : [];
    if (unknown.length) throw new ConfigError(name, `unknown value(s) ${unknown.join(', ')}; allowed: ${allowed!.join(', ')}`);
    return items;
  }

  /** JSON, checked by `validate`, which throws or returns an error message for bad input. */
  json<T>(name: string, validate: (value: unknown) => T, fallback?: T): T {
    const raw = this.raw(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new ConfigError(name, 'is required');
      return fallback;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(name, 'is not valid JSON');
    }
    try {
      return validate(parsed);
    } catch (error) {
      throw new ConfigError(name, (error as Error).message);
    }
  }

  /** `ATRIUM_SECRET_KEY`-style keys: base64 of exactly `bytes` bytes. */
  base64Key(name: string, bytes = 32): Buffer {
    const raw = this.string(name);
    const key = Buffer.from(raw, 'base64');
    if (key.length !== bytes || key.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, '')) {
      throw new ConfigError(name, `must be ${bytes} random bytes in base64 (e.g. from: openssl rand -base64 ${bytes})`);
    }
    return key;
  }
}

/** Settings every Atrium service reads (docs/contracts.md §7). */
export interface CommonConfig {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  trustedProxies: string[];
  disabledFeatures: string[];
  /** LOG_FORMAT, LOG_LEVEL, METRICS_PORT, METRICS_TOKEN. */
  observability: ObservabilityConfig;
}

export const FEATURES = ['app-passwords', 'webdav'] as const;

export function readCommonConfig(reader: EnvReader, defaults: { port: number }): CommonConfig {
  const port = reader.port('PORT', defaults.port);
  return {
    port,
    host: reader.string('HOST', '0.0.0.0'),
    publicUrl: reader.url('PUBLIC_URL', { fallback: `http://127.0.0.1:${port}`, origin: true }),
    databaseUrl: reader.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] }),
    trustedProxies: reader.list('TRUSTED_PROXIES'),
    disabledFeatures: reader.list('ATRIUM_DISABLE_FEATURES', FEATURES),
    observability: readObservabilityConfig(reader),
  };
}
