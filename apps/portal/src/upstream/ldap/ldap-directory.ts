import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, SizeLimitExceededError, type Entry } from 'ldapts';
import { tryNormalizeDn } from '@atrium/policy';
import type { LoginReason } from '../../common/login-reasons.js';
import type { LdapConfig } from './ldap-config.js';
import { fillFilter, formatEntryId, readTypedName } from './ldap-names.js';

/** A sign-in the directory refused, with the reason the audit records. */
export class LdapRefusal extends Error {
  constructor(
    readonly reason: LoginReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The person the directory vouched for. */
export interface DirectoryUser {
  dn: string;
  /** entryUUID / objectGUID as text. */
  id: string;
  username: string;
  name: string;
  email: string | null;
  /** Normalized DNs of the groups, nested ones included when configured. */
  groups: string[];
}

const ID_ATTRIBUTES = ['entryUUID', 'objectGUID'];
const MAX_NESTING = 10;
const MAX_GROUPS = 500;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

function first(entry: Entry, attribute: string): string | Buffer | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  return Array.isArray(value) ? value[0] : (value as string | Buffer | undefined);
}

function all(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? [] : entry[key];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Connection failures, timeouts and TLS refusals as a reason; refusals of the directory pass through. */
export function connectionRefusal(error: unknown): LdapRefusal {
  if (error instanceof LdapRefusal) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  const text = `${code} ${(error as Error)?.message ?? ''}`;
  if (TLS_CODES.test(code) || /certificate|self.signed|TLS/i.test(text))
    return new LdapRefusal('ldap_tls_failed', `the directory's TLS was refused: ${text.trim()}`, {
      cause: error,
    });
  return new LdapRefusal('ldap_unavailable', `the directory cannot be reached: ${text.trim()}`, {
    cause: error,
  });
}

/**
 * The portal's adapter over ldapts (docs/contracts.md §4): the service account searches with the
 * configured filter (values escaped, RFC 4515) for exactly one entry, groups come from `memberOf`
 * or a group search as normalized DNs, then the person's own password is tried with a bind as
 * that entry. One connection per sign-in, TLS checked against LDAP_CA_FILE or the system CAs.
 */
export class LdapDirectory {
  constructor(private readonly config: LdapConfig) {}

  async authenticate(typed: string, password: string): Promise<DirectoryUser> {
    const name = readTypedName(typed, this.config);
    if (!name) throw new LdapRefusal('ldap_invalid_username', 'not a name in one of the accepted forms');
    // An empty password would be an "unauthenticated bind" (RFC 4513 §5.1.2), which succeeds.
    if (typeof password !== 'string' || password.length === 0)
      throw new LdapRefusal('ldap_empty_password', 'empty password');
    const client = await this.connect();
    try {
      const entry = await this.findUser(client, { username: name.username, upn: name.upn ?? '' });
      const id = this.entryId(entry);
      const groups = await this.groupsOf(client, entry);
      await this.bindAs(client, entry.dn, password);
      const username = String(first(entry, this.config.usernameAttribute) ?? name.username);
      const display = first(entry, 'displayName') ?? first(entry, 'cn');
      const mail = first(entry, 'mail');
      return {
        dn: entry.dn,
        id,
        username,
        name: display === undefined ? username : String(display),
        email: mail === undefined ? null : String(mail),
        groups,
      };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** A connection bound as the service account (StartTLS first when asked). */
  private async connect(): Promise<Client> {
    const tls: ConnectionOptions = {
      minVersion: 'TLSv1.2',
      ...(this.config.ca ? { ca: this.config.ca } : {}),
    };
    const client = new Client({
      url: this.config.url,
      timeout: this.config.timeoutMs,
      connectTimeout: this.config.timeoutMs,
      // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps://.
      ...(this.config.url.startsWith('ldaps:') ? { tlsOptions: tls } : {}),
      strictDN: true,
    });
    try {
      if (this.config.startTls) await client.startTLS(tls);
      await client.bind(this.config.bindDn, this.config.bindPassword);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      if (error instanceof InvalidCredentialsError)
        throw new LdapRefusal(
          'ldap_unavailable',
          'the directory refused the service account (LDAP_BIND_DN / LDAP_BIND_PASSWORD)',
          { cause: error },
        );
      throw connectionRefusal(error);
    }
  }

  private async findUser(client: Client, values: Record<string, string>): Promise<Entry> {
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await client.search(this.config.userBase, {
        scope: 'sub',
        filter: fillFilter(this.config.userFilter, values),
        sizeLimit: 2,
        attributes: [
          this.config.usernameAttribute,
          'cn',
          'displayName',
          'mail',
          'memberOf',
          ...(this.config.idAttribute ? [this.config.idAttribute] : ID_ATTRIBUTES),
        ],
        explicitBufferAttributes: ['objectGUID'],
      }));
    } catch (error) {
      if (error instanceof SizeLimitExceededError)
        throw new LdapRefusal('ldap_ambiguous_user', 'more than one entry matches', { cause: error });
      throw connectionRefusal(error);
    }
    if (entries.length > 1) throw new LdapRefusal('ldap_ambiguous_user', 'more than one entry matches');
    if (entries.length === 0) throw new LdapRefusal('ldap_unknown_user', 'no entry matches');
    return entries[0]!;
  }

  private entryId(entry: Entry): string {
    const attributes = this.config.idAttribute ? [this.config.idAttribute] : ID_ATTRIBUTES;
    for (const attribute of attributes) {
      const value = first(entry, attribute);
      const id = value === undefined ? undefined : formatEntryId(value);
      if (id) return id;
    }
    throw new LdapRefusal('ldap_no_id_attribute', `the entry has no ${attributes.join(' or ')}`);
  }

  /** Direct groups, then (when nesting is on) the groups those are members of, as normalized DNs. */
  private async groupsOf(client: Client, entry: Entry): Promise<string[]> {
    const found = new Set<string>();
    let frontier = [entry.dn];
    for (let depth = 0; frontier.length && depth < MAX_NESTING && found.size < MAX_GROUPS; depth++) {
      const next: string[] = [];
      for (const member of frontier) {
        const dns =
          depth === 0 && !this.config.groupBase
            ? all(entry, 'memberOf')
            : await this.parentsOf(client, member);
        for (const dn of dns) {
          const normalized = tryNormalizeDn(dn);
          if (normalized && !found.has(normalized)) {
            found.add(normalized);
            next.push(dn);
          }
        }
      }
      if (!this.config.nestedGroups) break;
      frontier = next;
    }
    return [...found].slice(0, MAX_GROUPS);
  }

  /** The groups `dn` is a direct member of: by group search, or from the entry's own `memberOf`. */
  private async parentsOf(client: Client, dn: string): Promise<string[]> {
    try {
      if (this.config.groupBase) {
        const { searchEntries } = await client.search(this.config.groupBase, {
          scope: 'sub',
          filter: fillFilter(this.config.groupFilter, { dn }),
          attributes: ['1.1'],
          sizeLimit: MAX_GROUPS,
        });
        return searchEntries.map((e) => e.dn);
      }
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['memberOf'] });
      return searchEntries.flatMap((e) => all(e, 'memberOf'));
    } catch (error) {
      if (error instanceof SizeLimitExceededError) return [];
      throw connectionRefusal(error);
    }
  }

  private async bindAs(client: Client, dn: string, password: string): Promise<void> {
    try {
      await client.bind(dn, password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError)
        throw new LdapRefusal('ldap_bad_password', 'the directory refused the password', { cause: error });
      throw connectionRefusal(error);
    }
  }
}
