import { normalizeFolder, isWithinPath } from './paths.js';
import { visibilityScope } from './permissions.js';
import {
  assetSharedWith,
  policyAdmits,
  type AlbumFacts,
  type AssetFacts,
  type PolicyMember,
} from './policies.js';
import type { Role } from './roles.js';
import { linkShowsAlbum, linkShowsAsset, type OpenedLink, type ShareLinkTarget } from './share-links.js';

/** The person (or anonymous link holder) looking at the library. */
export interface Viewer {
  role: Role;
  /** Account id (the portal's `sub`); `null` for a visitor. */
  id: string | null;
  /** Group names from the ID token (`atrium_groups`). */
  groups: readonly string[];
  /** `atrium_base_path`; `null` when the account has none. */
  basePath: string | null;
  /** `atrium_upload_path`; `null` when the account has none. */
  uploadPath: string | null;
  /** Share links this viewer opened that {@link evaluateShareLink} accepted (a visitor's own link). */
  links: readonly OpenedLink[];
}

/**
 * What a viewer may see, as data an instance can turn into one SQL filter. For `scoped`, an asset
 * is visible when `uploaded_by = ownUploadsOf`, or when it is neither private nor archived and
 * (its path is inside `basePath`, or a policy shares it with `member`, or one of `links` shows it).
 * For `link`, an asset is visible when one of `links` shows it (see `linkShowsAsset`).
 */
export type VisibilityFilter =
  | { scope: 'all' }
  | { scope: 'all_but_private_archived' }
  | {
      scope: 'scoped';
      basePath: string | null;
      ownUploadsOf: string | null;
      member: PolicyMember | null;
      links: readonly ShareLinkTarget[];
    }
  | { scope: 'link'; links: readonly ShareLinkTarget[] };

/**
 * Builds the {@link VisibilityFilter} for `viewer`.
 *
 * Decisions beyond the matrix's words: policies and links never expose private or archived assets
 * to contributors or guests — private means private. A contributor always sees what it uploaded,
 * private and archived included, since it may edit those. An empty base path means none.
 * @throws PolicyError `ERR_ROLE_UNKNOWN`, or a path code when the base path is hostile.
 */
export function visibilityFilter(viewer: Viewer): VisibilityFilter {
  const scope = visibilityScope(viewer.role);
  const links = viewer.links.map((link) => link.target);
  switch (scope) {
    case 'all':
    case 'all_but_private_archived':
      return { scope };
    case 'link':
      return { scope, links };
    case 'scoped':
      return {
        scope,
        basePath: normalizeFolder(viewer.basePath),
        ownUploadsOf: viewer.role === 'contributor' ? viewer.id : null,
        member: viewer.id === null ? null : { userId: viewer.id, groups: viewer.groups },
        links,
      };
  }
}

function scopedShows(filter: Extract<VisibilityFilter, { scope: 'scoped' }>, asset: AssetFacts): boolean {
  if (filter.ownUploadsOf !== null && asset.uploadedBy === filter.ownUploadsOf) return true;
  if (asset.private || asset.archived) return false;
  if (filter.basePath !== null && isWithinPath(asset.path, filter.basePath)) return true;
  return (
    assetSharedWith(asset, filter.member) || filter.links.some((target) => linkShowsAsset(target, asset))
  );
}

/** Applies a {@link VisibilityFilter} to one asset: the reference for the instance's SQL. */
export function filterShowsAsset(filter: VisibilityFilter, asset: AssetFacts): boolean {
  switch (filter.scope) {
    case 'all':
      return true;
    case 'all_but_private_archived':
      return !asset.private && !asset.archived;
    case 'link':
      return filter.links.some((target) => linkShowsAsset(target, asset));
    case 'scoped':
      return scopedShows(filter, asset);
  }
}

/** Applies a {@link VisibilityFilter} to one album. Albums carry no private or archived flag. */
export function filterShowsAlbum(filter: VisibilityFilter, album: AlbumFacts): boolean {
  switch (filter.scope) {
    case 'all':
    case 'all_but_private_archived':
      return true;
    case 'link':
      return filter.links.some((target) => linkShowsAlbum(target, album.id));
    case 'scoped':
      return (
        policyAdmits(album.policy, filter.member) ||
        filter.links.some((target) => linkShowsAlbum(target, album.id))
      );
  }
}

/**
 * May `viewer` see `asset` (docs/architecture.md rules 5–7)? admin, manager and user see everything; viewer all
 * but private and archived; contributor and guest their base path, what policies share with them
 * and what their links name (contributors also their own uploads); a visitor only what its link names.
 * @throws PolicyError as {@link visibilityFilter}, or a path code when the asset's path is hostile.
 */
export function canSeeAsset(viewer: Viewer, asset: AssetFacts): boolean {
  return filterShowsAsset(visibilityFilter(viewer), asset);
}

/**
 * May `viewer` see `album`? Whole-library roles see every album; contributor and guest the albums
 * whose policy admits them or a link names; a visitor only the album its link names.
 * @throws PolicyError as {@link visibilityFilter}.
 */
export function canSeeAlbum(viewer: Viewer, album: AlbumFacts): boolean {
  return filterShowsAlbum(visibilityFilter(viewer), album);
}
