import type { AccessAllowed } from './access.js';
import { PolicyError } from './errors.js';
import { normalizeFolder } from './paths.js';
import { webdavAllowed, type WebdavSwitches } from './permissions.js';
import { isInstanceRole, type InstanceRole } from './roles.js';

/** The Atrium claims of an instance's ID token (docs/contracts.md §1). Paths are `null` when there is none. */
export interface AtriumClaims {
  atrium_role: InstanceRole;
  atrium_groups: string[];
  atrium_base_path: string | null;
  atrium_upload_path: string | null;
  atrium_webdav: boolean;
}

/** What an instance learns from {@link AtriumClaims} after {@link parseAtriumClaims} checked them. */
export interface InstanceAccess {
  role: InstanceRole;
  groups: string[];
  basePath: string | null;
  uploadPath: string | null;
  webdav: boolean;
}

/**
 * The Atrium claims the portal issues for a granted decision: the resolved role (never
 * `cluster_admin` or `visitor`, which a decision cannot hold), the account's group names, the
 * expanded paths, and whether WebDAV is open to this role with these switches.
 */
export function atriumClaims(
  decision: AccessAllowed,
  groups: readonly string[],
  webdav: WebdavSwitches,
): AtriumClaims {
  return {
    atrium_role: decision.role,
    atrium_groups: [...groups],
    atrium_base_path: decision.basePath,
    atrium_upload_path: decision.uploadPath,
    atrium_webdav: webdavAllowed(decision.role, webdav),
  };
}

function claimsError(message: string): PolicyError {
  return new PolicyError('ERR_CLAIMS_INVALID', message);
}

function pathClaim(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw claimsError(`${name} must be a string`);
  return normalizeFolder(value);
}

/**
 * Checks the Atrium claims of a verified ID token on the instance side. Missing paths mean none
 * and a missing `atrium_webdav` means no WebDAV; the role and groups are required.
 * @throws PolicyError `ERR_CLAIMS_INVALID` (role not an instance role — `cluster_admin` and
 *   `visitor` included —, groups not a list of strings, webdav not a boolean), or a path code.
 */
export function parseAtriumClaims(claims: Record<string, unknown>): InstanceAccess {
  const role = claims['atrium_role'];
  if (!isInstanceRole(role)) throw claimsError('atrium_role is not an instance role');
  const groups = claims['atrium_groups'];
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) {
    throw claimsError('atrium_groups must be a list of strings');
  }
  const webdav = claims['atrium_webdav'] ?? false;
  if (typeof webdav !== 'boolean') throw claimsError('atrium_webdav must be a boolean');
  return {
    role,
    groups: [...groups],
    basePath: pathClaim(claims['atrium_base_path'], 'atrium_base_path'),
    uploadPath: pathClaim(claims['atrium_upload_path'], 'atrium_upload_path'),
    webdav,
  };
}
