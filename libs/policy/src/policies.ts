/**
 * Who may see an album or a photo beyond the roles that see the whole library (docs/architecture.md rule 6, after
 * myks-gallery). There is no anonymous "public" policy: anonymous access is a share link.
 */
export interface AccessPolicy {
  /** Every signed-in user of the instance. */
  everyone: boolean;
  /** Account ids (the portal's `sub`) named by the policy. */
  users: readonly string[];
  /** Group names as the portal issues them (OIDC values as sent, LDAP groups as normalized DNs). */
  groups: readonly string[];
}

/** A policy that admits nobody: on a photo it hides the photo from everyone its albums admit. */
export const NOBODY: AccessPolicy = Object.freeze({ everyone: false, users: [], groups: [] });

/** The signed-in person a policy is checked against; `null` for an anonymous visitor. */
export interface PolicyMember {
  userId: string;
  groups: readonly string[];
}

/** What visibility needs to know about an album. */
export interface AlbumFacts {
  id: string;
  /** The album's policy; `null` admits nobody beyond the roles that see the whole library. */
  policy: AccessPolicy | null;
}

/** What visibility needs to know about an asset (a photo or a video). */
export interface AssetFacts {
  id: string;
  /** Path of the original relative to the originals root. */
  path: string;
  /** Account id of whoever uploaded it; `null` for files found by indexing. */
  uploadedBy: string | null;
  private: boolean;
  archived: boolean;
  /** The photo's own policy; `null` means it inherits from its albums. */
  policy: AccessPolicy | null;
  /** The albums the asset is in, with their policies. */
  albums: readonly AlbumFacts[];
}

/** True when `policy` admits `member`. A `null` policy or an anonymous member is never admitted. */
export function policyAdmits(policy: AccessPolicy | null, member: PolicyMember | null): boolean {
  if (policy === null || member === null) return false;
  if (policy.everyone || policy.users.includes(member.userId)) return true;
  return policy.groups.some((group) => member.groups.includes(group));
}

/**
 * The policies that decide who an asset is shared with: its own policy when it has one — which
 * replaces, never adds to, what its albums would give — otherwise the policies of all its albums.
 */
export function effectivePolicies(asset: AssetFacts): readonly (AccessPolicy | null)[] {
  return asset.policy !== null ? [asset.policy] : asset.albums.map((album) => album.policy);
}

/** True when a policy shares the asset with `member`: its own policy, or the union of its albums'. */
export function assetSharedWith(asset: AssetFacts, member: PolicyMember | null): boolean {
  return effectivePolicies(asset).some((policy) => policyAdmits(policy, member));
}
