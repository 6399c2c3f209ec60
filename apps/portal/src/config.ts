import { createHmac } from 'node:crypto';
import { parseRole } from '@atrium/policy';
import { ConfigError, EnvReader, readCommonConfig, type CommonConfig } from '@atrium/server';
import type { ConfiguredNode } from './services/node.service.js';
import { readLdapConfig, type LdapConfig } from './upstream/ldap/ldap-config.js';
import { readOidcProviders, type OidcProviderConfig } from './upstream/oidc/oidc-config.js';

export interface PortalConfig extends CommonConfig {
  /** 32 bytes that encrypt signing keys and secrets at rest (ATRIUM_SECRET_KEY). */
  secretKey: Buffer;
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
  selfRegistration: boolean;
  defaultRole: string;
  /** Where mail goes out (invitations, resets); without it links are shown to the admin instead. */
  smtpUrl: string | undefined;
  /** The From header of the portal's mail. */
  mailFrom: string;
  /** Nodes with credentials supplied up front (ATRIUM_NODES), upserted at start. */
  nodes: ConfiguredNode[];
  /** Organization OIDC providers (OIDC_PROVIDERS or the OIDC_ISSUER shorthand). */
  oidcProviders: OidcProviderConfig[];
  /** LDAP / Active Directory sign-in (LDAP_URL and the rest), or null. */
  ldap: LdapConfig | null;
}

const NODE_FIELDS = ['name', 'url', 'clientId', 'clientSecret'] as const;

/** ATRIUM_NODES: a JSON list of `{ name, url, clientId, clientSecret }`; secrets of ≥ 256 bits. */
export function parseConfiguredNodes(value: unknown): ConfiguredNode[] {
  if (!Array.isArray(value)) throw new Error('must be a JSON list of { name, url, clientId, clientSecret }');
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new Error(`entry ${i} is not an object`);
    for (const field of NODE_FIELDS) {
      if (
        typeof (entry as Record<string, unknown>)[field] !== 'string' ||
        !(entry as Record<string, string>)[field]
      ) {
        throw new Error(`entry ${i} needs a string "${field}"`);
      }
    }
    const node = entry as ConfiguredNode;
    if (Buffer.byteLength(node.clientSecret) < 43)
      throw new Error(
        `entry ${i}: clientSecret must carry at least 256 random bits (43+ base64url characters)`,
      );
    return { name: node.name, url: node.url, clientId: node.clientId, clientSecret: node.clientSecret };
  });
}

/** ATRIUM_DEFAULT_ROLE: an instance role (never cluster_admin or visitor). */
function defaultRole(reader: EnvReader): string {
  const value = reader.string('ATRIUM_DEFAULT_ROLE', 'guest');
  try {
    return parseRole(value);
  } catch (error) {
    throw new ConfigError('ATRIUM_DEFAULT_ROLE', (error as Error).message);
  }
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
    defaultRole: defaultRole(reader),
    smtpUrl: reader.optionalUrl('SMTP_URL', { protocols: ['smtp:', 'smtps:'] }),
    mailFrom: mailFrom(reader),
    nodes: reader.json('ATRIUM_NODES', parseConfiguredNodes, []),
    oidcProviders: readOidcProviders(reader),
    ldap: readLdapConfig(reader),
  };
}

// A bare address or `Name <address>`; the default names the portal's host, which mail servers accept.
const FROM = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function mailFrom(reader: EnvReader): string {
  const host = new URL(reader.url('PUBLIC_URL', { fallback: 'http://localhost', origin: true })).hostname;
  const from = reader.string('SMTP_FROM', `Atrium <atrium@${host.includes('.') ? host : 'localhost.localdomain'}>`);
  if (!FROM.test(from)) throw new ConfigError('SMTP_FROM', `must be an address or "Name <address>", got ${JSON.stringify(from)}`);
  return from;
}

/** A key derived from ATRIUM_SECRET_KEY for one purpose, so no two uses share key material. */
export function deriveKey(secretKey: Buffer, purpose: string): string {
  return createHmac('sha256', secretKey).update(`atrium:${purpose}`).digest('base64url');
}
