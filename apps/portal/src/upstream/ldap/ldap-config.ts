import { readFileSync } from 'node:fs';
import { tryNormalizeDn } from '@atrium/policy';
import { ConfigError, type EnvReader } from '@atrium/server';

/** Which spellings of a name people may type: `ann`, `ann@corp.example`, `CORP\ann`. */
export const USERNAME_FORMS = ['plain', 'upn', 'netbios'] as const;
export type UsernameForm = (typeof USERNAME_FORMS)[number];

/** Sign-in against LDAP / Active Directory (LDAP_*; docs/configuration.md). */
export interface LdapConfig {
  url: string;
  bindDn: string;
  bindPassword: string;
  userBase: string;
  /** With `{username}` (the name typed, without domain) and/or `{upn}` (name@LDAP_DOMAIN). */
  userFilter: string;
  /** Groups by search under this base, else from the user's `memberOf`. */
  groupBase: string | null;
  /** With `{dn}` (the user's or, when nesting, a group's DN). */
  groupFilter: string;
  nestedGroups: boolean;
  /** The entry's immutable id: `entryUUID` (OpenLDAP), `objectGUID` (AD), or another. */
  idAttribute: string | null;
  /** The attribute that names the account's username (`uid`, `sAMAccountName`). */
  usernameAttribute: string;
  usernameForms: UsernameForm[];
  /** The UPN suffix (`corp.example`) accepted after `@` and substituted for `{upn}`. */
  domain: string | null;
  /** The NetBIOS domain (`CORP`) accepted before `\`. */
  netbiosDomain: string | null;
  startTls: boolean;
  /** PEM of the CA that signed the directory's certificate (LDAP_CA_FILE); the system's CAs otherwise. */
  ca: string | null;
  /** Connect and operation timeout, ms. */
  timeoutMs: number;
}

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

function dn(reader: EnvReader, name: string): string {
  const value = reader.string(name);
  if (tryNormalizeDn(value) === null) throw new ConfigError(name, `is not a DN: ${JSON.stringify(value)}`);
  return value;
}

function filter(reader: EnvReader, name: string, fallback: string, placeholders: string[]): string {
  const value = reader.string(name, fallback);
  if (!value.startsWith('(') || !value.endsWith(')'))
    throw new ConfigError(name, 'must be an LDAP filter in parentheses, e.g. (uid={username})');
  if (!placeholders.some((p) => value.includes(p)))
    throw new ConfigError(name, `must contain ${placeholders.join(' or ')}`);
  return value;
}

function attribute(reader: EnvReader, name: string, fallback?: string): string | null {
  const value = reader.optionalString(name) ?? fallback;
  if (value === undefined) return null;
  if (!ATTRIBUTE.test(value))
    throw new ConfigError(name, `is not an attribute name: ${JSON.stringify(value)}`);
  return value;
}

/** The attribute a simple filter like `(sAMAccountName={username})` compares the name with. */
function filterAttribute(userFilter: string): string | undefined {
  return /\(([A-Za-z][A-Za-z0-9-]*)=\{username\}\)/.exec(userFilter)?.[1];
}

/** LDAP_URL and the rest, or null when LDAP_URL is not set (LDAP sign-in off). */
export function readLdapConfig(reader: EnvReader): LdapConfig | null {
  if (reader.optionalString('LDAP_URL') === undefined) {
    for (const name of ['LDAP_BIND_DN', 'LDAP_USER_BASE', 'LDAP_GROUP_BASE'])
      if (reader.optionalString(name) !== undefined)
        throw new ConfigError(name, 'is set but LDAP_URL is not');
    return null;
  }
  const url = reader.url('LDAP_URL', { protocols: ['ldap:', 'ldaps:'] });
  const parsed = new URL(url);
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search)
    throw new ConfigError('LDAP_URL', 'is ldap://host[:port] or ldaps://host[:port], without a path');
  const startTls = reader.bool('LDAP_STARTTLS', false);
  if (startTls && parsed.protocol === 'ldaps:')
    throw new ConfigError('LDAP_STARTTLS', 'is for ldap:// URLs; ldaps:// is encrypted already');
  const userFilter = filter(reader, 'LDAP_USER_FILTER', '(uid={username})', ['{username}', '{upn}']);
  const forms = reader.list('LDAP_USERNAME_FORMS', USERNAME_FORMS) as UsernameForm[];
  const usernameForms = forms.length ? forms : (['plain'] as UsernameForm[]);
  const domain = reader.optionalString('LDAP_DOMAIN')?.toLowerCase() ?? null;
  if (domain !== null && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))
    throw new ConfigError('LDAP_DOMAIN', 'is a DNS domain such as corp.example');
  if ((usernameForms.includes('upn') || userFilter.includes('{upn}')) && domain === null)
    throw new ConfigError(
      'LDAP_DOMAIN',
      'is required for the upn username form and for {upn} in LDAP_USER_FILTER',
    );
  const netbiosDomain = reader.optionalString('LDAP_NETBIOS_DOMAIN')?.toUpperCase() ?? null;
  if (netbiosDomain !== null && !/^[A-Z0-9-]{1,15}$/.test(netbiosDomain))
    throw new ConfigError('LDAP_NETBIOS_DOMAIN', 'is a NetBIOS domain name such as CORP');
  if (usernameForms.includes('netbios') && netbiosDomain === null)
    throw new ConfigError('LDAP_NETBIOS_DOMAIN', 'is required for the netbios username form');
  const caFile = reader.optionalString('LDAP_CA_FILE');
  let ca: string | null = null;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new ConfigError('LDAP_CA_FILE', `cannot be read: ${(error as Error).message}`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigError('LDAP_CA_FILE', 'holds no PEM certificate');
  }
  const groupBase =
    reader.optionalString('LDAP_GROUP_BASE') === undefined ? null : dn(reader, 'LDAP_GROUP_BASE');
  return {
    url,
    bindDn: dn(reader, 'LDAP_BIND_DN'),
    bindPassword: reader.string('LDAP_BIND_PASSWORD'),
    userBase: dn(reader, 'LDAP_USER_BASE'),
    userFilter,
    groupBase,
    groupFilter: filter(reader, 'LDAP_GROUP_FILTER', '(|(member={dn})(uniqueMember={dn}))', ['{dn}']),
    nestedGroups: reader.bool('LDAP_NESTED_GROUPS', false),
    idAttribute: attribute(reader, 'LDAP_ID_ATTRIBUTE'),
    usernameAttribute: attribute(reader, 'LDAP_USERNAME_ATTRIBUTE', filterAttribute(userFilter) ?? 'uid')!,
    usernameForms,
    domain,
    netbiosDomain,
    startTls,
    ca,
    timeoutMs: reader.duration('LDAP_TIMEOUT', '5s'),
  };
}
