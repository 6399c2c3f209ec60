import { expandFolder, isPolicyError, normalizeDn, parseRole, type InstanceRole } from '@atrium/policy';
import { PortalError } from './errors.js';

// Lower case, so "Ann" and "ann" can never be two accounts; `@`, `.`, `-` and `_` allow namespaced names.
const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,62}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GROUP_MAX = 1024;

/** A username as stored: trimmed, lower case, 1–63 characters that are safe in a path segment. */
export function parseUsername(value: unknown): string {
  const username = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!USERNAME.test(username)) {
    throw new PortalError(
      'ERR_USERNAME_INVALID',
      'a username is 1–63 characters: letters, digits, ".", "_", "@", "-", starting with a letter or digit',
    );
  }
  return username;
}

export function parseEmail(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const email = value.trim();
  if (email.length > 254 || !EMAIL.test(email))
    throw new PortalError('ERR_EMAIL_INVALID', `not an email address: ${JSON.stringify(email)}`);
  return email;
}

/** A grantable instance role; `visitor`, `cluster_admin` and unknown names are refused. */
export function parseInstanceRole(value: unknown): InstanceRole {
  try {
    return parseRole(value);
  } catch (error) {
    if (isPolicyError(error)) throw new PortalError('ERR_ROLE_INVALID', error.message);
    throw error;
  }
}

/**
 * A base or upload path template as stored: it may use `{username}`, and must stay a safe relative
 * path for any valid username (checked by expanding it for a sample name).
 */
export function parsePathTemplate(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  try {
    expandFolder(value.trim(), 'sample-user');
  } catch (error) {
    if (isPolicyError(error)) throw new PortalError('ERR_PATH_INVALID', `${name}: ${error.message}`);
    throw error;
  }
  return value.trim();
}

/** A group name as a mapping stores it; DNs (`kind: 'dn'`) must parse. */
export function parseGroup(value: unknown, kind: 'name' | 'dn' = 'name'): string {
  const group = typeof value === 'string' ? value.trim() : '';
  if (!group || group.length > GROUP_MAX || /\p{Cc}/u.test(group)) {
    throw new PortalError('ERR_GROUP_INVALID', 'a group name is 1–1024 printable characters');
  }
  if (kind === 'dn') {
    try {
      normalizeDn(group);
    } catch (error) {
      if (isPolicyError(error)) throw new PortalError('ERR_GROUP_INVALID', `not a DN: ${error.message}`);
      throw error;
    }
  }
  return group;
}

/** Looks like an LDAP DN (`cn=…,dc=…`), so mappings made from the CLI compare it as one. */
export function groupKind(group: string): 'name' | 'dn' {
  return /^[A-Za-z][A-Za-z0-9-]*=/.test(group) && group.includes(',') ? 'dn' : 'name';
}
