import type { LdapConfig } from './ldap-config.js';

/**
 * Escapes a value for an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`, so what a person types is only ever compared, never parsed.
 */
export function escapeFilterValue(value: string): string {
  const special = new Set(['*', '(', ')', '\\', '\u0000']);
  return [...value]
    .map((c) => (special.has(c) ? `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c))
    .join('');
}

/** Fills `{name}` placeholders of a configured filter with escaped values. */
export function fillFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? escapeFilterValue(values[name]!) : whole,
  );
}

/** The short name (for `{username}`) and the UPN (for `{upn}`) a typed name stands for. */
export interface TypedName {
  username: string;
  upn: string | null;
}

const MAX_NAME = 256;

/**
 * Reads what a person typed in one of the configured forms: `ann` (plain), `ann@corp.example`
 * (upn, with LDAP_DOMAIN) or `CORP\ann` (netbios, with LDAP_NETBIOS_DOMAIN). Anything else —
 * another domain, an empty or over-long name, control characters — is undefined.
 */
export function readTypedName(
  typed: string,
  config: Pick<LdapConfig, 'usernameForms' | 'domain' | 'netbiosDomain'>,
): TypedName | undefined {
  const text = typed.trim();
  if (!text || text.length > MAX_NAME || /\p{Cc}/u.test(text)) return undefined;
  const upnOf = (name: string) => (config.domain ? `${name}@${config.domain}` : null);
  const at = text.lastIndexOf('@');
  const slash = text.indexOf('\\');
  if (slash > 0 && at < 0) {
    if (!config.usernameForms.includes('netbios')) return undefined;
    const [domain, name] = [text.slice(0, slash), text.slice(slash + 1)];
    if (domain.toUpperCase() !== config.netbiosDomain || !name || name.includes('\\')) return undefined;
    return { username: name, upn: upnOf(name) };
  }
  if (at > 0) {
    if (!config.usernameForms.includes('upn')) {
      return config.usernameForms.includes('plain') ? { username: text, upn: upnOf(text) } : undefined;
    }
    const [name, domain] = [text.slice(0, at), text.slice(at + 1)];
    if (domain.toLowerCase() !== config.domain) return undefined;
    return { username: name, upn: `${name}@${config.domain}` };
  }
  if (!config.usernameForms.includes('plain')) return undefined;
  return { username: text, upn: upnOf(text) };
}

/**
 * The directory's immutable id of an entry as text: `entryUUID` as given, AD's binary
 * `objectGUID` in its usual spelling (the first three groups little-endian).
 */
export function formatEntryId(value: string | Buffer): string | undefined {
  if (typeof value === 'string') return value.trim() ? value.trim().toLowerCase() : undefined;
  if (value.length !== 16) return value.length ? value.toString('hex') : undefined;
  const hex = (bytes: number[]) => bytes.map((i) => value[i]!.toString(16).padStart(2, '0')).join('');
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-');
}
