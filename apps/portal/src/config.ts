import { EnvReader, readCommonConfig, type CommonConfig } from '@atrium/server';

export interface PortalConfig extends CommonConfig {
  /** 32 bytes that encrypt signing keys and secrets at rest (ATRIUM_SECRET_KEY). */
  secretKey: Buffer;
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
  selfRegistration: boolean;
  defaultRole: string;
}

/** Reads the portal's settings once, at start; a bad value names its variable. */
export function loadPortalConfig(env: Record<string, string | undefined> = process.env): PortalConfig {
  const reader = new EnvReader(env);
  return {
    ...readCommonConfig(reader, { port: 8080 }),
    secretKey: reader.base64Key('ATRIUM_SECRET_KEY'),
    sessionMaxAgeMs: reader.duration('SESSION_MAX_AGE', '12h'),
    sessionIdleMs: reader.duration('SESSION_IDLE', '2h'),
    selfRegistration: reader.bool('ATRIUM_SELF_REGISTRATION', false),
    defaultRole: reader.string('ATRIUM_DEFAULT_ROLE', 'guest'),
  };
}
