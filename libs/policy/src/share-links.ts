import { PolicyError } from './errors.js';
import type { AssetFacts } from './policies.js';

/** What a share link names: one album or one asset. */
export type ShareLinkTarget = { kind: 'album'; albumId: string } | { kind: 'asset'; assetId: string };

/** A share link as stored by an instance (docs/architecture.md rule 7). */
export interface ShareLink {
  target: ShareLinkTarget;
  /** The link stops working at this instant; `null` for no expiry. */
  expiresAt: Date | null;
  /** Set once the link is revoked; a revoked link never works again. */
  revokedAt: Date | null;
  /** The link asks for a password before it shows anything. */
  hasPassword: boolean;
  /** Holders may download originals. */
  allowDownload: boolean;
}

/** A share link that {@link evaluateShareLink} accepted, as a viewer holds it. */
export interface OpenedLink {
  target: ShareLinkTarget;
  downloadAllowed: boolean;
}

/** Outcome of {@link evaluateShareLink}. */
export type ShareLinkEvaluation =
  | ({ status: 'valid' } & OpenedLink)
  | { status: 'revoked' | 'expired' | 'password_required'; downloadAllowed: false };

/** The moment of evaluation and whether the holder has proven the link's password. */
export interface ShareLinkCheck {
  now: Date;
  passwordVerified: boolean;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * Decides whether a share link works right now. Checked in this order, so a dead link never asks
 * for its password: revoked, expired (at or after `expiresAt`; an unreadable expiry counts as
 * expired), password required.
 * @throws PolicyError `ERR_CLOCK_INVALID` when `now` is not a valid Date.
 */
export function evaluateShareLink(link: ShareLink, check: ShareLinkCheck): ShareLinkEvaluation {
  if (!isValidDate(check.now)) throw new PolicyError('ERR_CLOCK_INVALID', 'now must be a valid Date');
  if (link.revokedAt !== null) return { status: 'revoked', downloadAllowed: false };
  const expired = link.expiresAt !== null && !(isValidDate(link.expiresAt) && check.now < link.expiresAt);
  if (expired) return { status: 'expired', downloadAllowed: false };
  if (link.hasPassword && check.passwordVerified !== true) {
    return { status: 'password_required', downloadAllowed: false };
  }
  return { status: 'valid', target: link.target, downloadAllowed: link.allowDownload === true };
}

/**
 * True when a link naming `target` shows `asset`. Links never show private or archived assets. An
 * asset link shows the asset it names; an album link shows the album's assets except those with
 * their own policy (the owner narrowed or widened who sees them, so the album's link does not speak
 * for them).
 */
export function linkShowsAsset(target: ShareLinkTarget, asset: AssetFacts): boolean {
  if (asset.private || asset.archived) return false;
  if (target.kind === 'asset') return target.assetId === asset.id;
  return asset.policy === null && asset.albums.some((album) => album.id === target.albumId);
}

/** True when a link naming `target` shows the album `albumId`. */
export function linkShowsAlbum(target: ShareLinkTarget, albumId: string): boolean {
  return target.kind === 'album' && target.albumId === albumId;
}
