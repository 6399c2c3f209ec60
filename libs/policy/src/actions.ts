import { isWithinPath, normalizeFolder, normalizeRelativePath } from './paths.js';
import { can } from './permissions.js';
import type { AssetFacts } from './policies.js';
import { canSeeAsset, type Viewer } from './visibility.js';

function ownUpload(viewer: Viewer, asset: AssetFacts): boolean {
  return viewer.id !== null && asset.uploadedBy === viewer.id;
}

/**
 * May `viewer` download the original of `asset`? Whole-library roles always; contributor, viewer
 * and guest what they see; a visitor what its link shows, if the link allows downloads.
 * A link that forbids downloads keeps forbidding them for a signed-in holder: assets seen only
 * through such a link are not downloadable.
 * @throws PolicyError as `canSeeAsset`.
 */
export function canDownloadOriginal(viewer: Viewer, asset: AssetFacts): boolean {
  const throughDownloadLinks: Viewer = {
    ...viewer,
    links: viewer.links.filter((link) => link.downloadAllowed),
  };
  const visible = canSeeAsset(throughDownloadLinks, asset);
  return can(viewer.role, 'asset.download_original', { visible, linkAllowsDownload: visible });
}

/** May `viewer` edit `asset`? Admin, manager and user any asset; a contributor only its own uploads. */
export function canEditAsset(viewer: Viewer, asset: AssetFacts): boolean {
  return can(viewer.role, 'asset.edit', { ownUpload: ownUpload(viewer, asset) });
}

/** May `viewer` delete (move to the trash) `asset`? The same people who may edit it. */
export function canDeleteAsset(viewer: Viewer, asset: AssetFacts): boolean {
  return can(viewer.role, 'asset.delete', { ownUpload: ownUpload(viewer, asset) });
}

/**
 * May `viewer` comment on `asset`? Admin, manager and user on anything, a contributor on what it
 * sees. Links give read access only, so an asset seen only through a link takes no comment.
 * @throws PolicyError as `canSeeAsset`.
 */
export function canComment(viewer: Viewer, asset: AssetFacts): boolean {
  const visible = canSeeAsset({ ...viewer, links: [] }, asset);
  return can(viewer.role, 'comment.create', { visible });
}

/**
 * May `viewer` upload into `folder` (relative to the originals root)? Admin, manager and user
 * anywhere; a contributor only inside its upload path, and not at all without one.
 * @throws PolicyError a path code when `folder` or the viewer's upload path is hostile.
 */
export function canUploadTo(viewer: Viewer, folder: string): boolean {
  const target = normalizeRelativePath(folder);
  const uploadPath = normalizeFolder(viewer.uploadPath);
  const inUploadPath = uploadPath !== null && isWithinPath(target, uploadPath);
  return can(viewer.role, 'asset.upload', { inUploadPath });
}

/**
 * May `viewer` delete a comment written by `authorId`? Its author always; admin and manager any
 * comment (they moderate). A visitor writes and deletes nothing.
 */
export function canDeleteComment(viewer: Viewer, authorId: string): boolean {
  if (viewer.id === null) return false;
  return viewer.id === authorId || viewer.role === 'admin' || viewer.role === 'manager';
}
