import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken, verifyPassword } from '@atrium/auth';
import { evaluateShareLink, type OpenedLink, type Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import type { SessionEntity } from '../entities/session.entity.js';
import type { ShareInfoDto } from '../dtos/share.dto.js';
import { AlbumRepository } from '../repositories/album.repository.js';
import { LinkThrottleRepository, type ThrottleRule } from '../repositories/link-throttle.repository.js';
import { ShareLinkRepository, type ShareLinkRow } from '../repositories/share-link.repository.js';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

// Wrong passwords: five per link and thirty per address in 15 minutes, then a 15-minute pause.
export const LINK_THROTTLE: ThrottleRule = { limit: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
export const ADDRESS_THROTTLE: ThrottleRule = { limit: 30, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
const UNLOCK_MS = 12 * 3600_000;
// What generateSecretToken makes (43 characters); anything else names no link and costs no query.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const SCOPED = new Set(['contributor', 'guest']);

/** A link that works right now, with the viewer it makes. */
export interface OpenLink {
  link: ShareLinkRow;
  viewer: Viewer;
}

/** The one answer for a link that is unknown, expired or revoked: a holder cannot tell which. */
function unavailable(): InstanceError {
  return new InstanceError(
    'ERR_LINK_UNAVAILABLE',
    'This link does not work: it may have expired or been revoked, or it was copied incompletely.',
    404,
  );
}

/** The viewer a share link makes: a visitor who sees only what the link names. */
export function visitorOf(opened: OpenedLink): Viewer {
  return { role: 'visitor', id: null, groups: [], basePath: null, uploadPath: null, links: [opened] };
}

/**
 * Opening share links (docs/architecture.md rule 7): the token's digest finds the link, libs/policy decides
 * whether it works, a password is checked with argon2id under a throttle per link and per address,
 * and a signed-in contributor or guest who opens it keeps what it names.
 */
@Injectable()
export class ShareService {
  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly links: ShareLinkRepository,
    private readonly throttle: LinkThrottleRepository,
    private readonly albums: AlbumRepository,
    private readonly clock: Clock,
  ) {}

  /** The cookie that remembers an unlocked password link, scoped to that link's API path. */
  unlockCookieName(): string {
    return `atrium_${this.config.nodeName}_link`;
  }

  /** The link behind `token` when it works now (its password proven by `unlockSecret`); refused otherwise. */
  async open(token: string, unlockSecret: string | undefined): Promise<OpenLink> {
    const link = TOKEN.test(token) ? await this.links.findByDigest(digestSecret(token)) : undefined;
    if (!link) throw unavailable();
    const now = this.clock.now();
    const unlocked =
      link.hasPassword &&
      unlockSecret !== undefined &&
      (await this.links.isUnlocked(digestSecret(unlockSecret), link.id, now));
    const evaluation = evaluateShareLink(link, { now, passwordVerified: unlocked });
    if (evaluation.status === 'password_required')
      throw new InstanceError('ERR_LINK_PASSWORD', 'This link asks for a password.', 401);
    if (evaluation.status !== 'valid') throw unavailable();
    return { link, viewer: visitorOf(evaluation) };
  }

  /** What the visitor page shows first; counts the opening and, for a signed-in person, keeps the link. */
  async info(open: OpenLink, session: SessionEntity | undefined): Promise<ShareInfoDto> {
    const now = this.clock.now();
    await this.links.countOpen(open.link.id, now);
    if (session && SCOPED.has(session.role)) await this.links.keepForUser(session.userId, open.link.id, now);
    const { target } = open.link;
    const album =
      target.kind === 'album' ? (await this.albums.list(open.viewer, [target.albumId]))[0] : undefined;
    return {
      kind: target.kind,
      title: album?.title ?? open.link.targetName,
      description: album?.description ?? null,
      albumId: target.kind === 'album' ? target.albumId : null,
      assetId: target.kind === 'asset' ? target.assetId : null,
      allowDownload: open.link.allowDownload,
      expiresAt: open.link.expiresAt?.toISOString() ?? null,
    };
  }

  /**
   * Checks a link's password; returns the unlock cookie's secret and lifetime. Each attempt counts
   * against the link and the address before it is judged; a right password clears the link's count.
   */
  async unlock(
    token: string,
    password: string,
    address: string,
  ): Promise<{ secret: string; maxAgeSeconds: number }> {
    const link = TOKEN.test(token) ? await this.links.findByDigest(digestSecret(token)) : undefined;
    const now = this.clock.now();
    const blocked = await this.blocked(link?.id ?? null, address, now);
    if (blocked) throw this.throttled(blocked, now);
    if (!link || evaluateShareLink(link, { now, passwordVerified: true }).status !== 'valid')
      throw unavailable();
    if (!link.passwordHash || !(await verifyPassword(password, link.passwordHash)))
      throw new InstanceError('ERR_LINK_PASSWORD', 'That is not the password of this link.', 401);
    await this.throttle.reset(`link:${link.id}`);
    const lifetime = link.expiresAt
      ? Math.min(UNLOCK_MS, link.expiresAt.getTime() - now.getTime())
      : UNLOCK_MS;
    const secret = generateSecretToken();
    await this.links.addUnlock(digestSecret(secret), link.id, new Date(now.getTime() + lifetime));
    return { secret, maxAgeSeconds: Math.max(1, Math.floor(lifetime / 1000)) };
  }

  /** The links a signed-in contributor or guest opened that still work (none for other roles). */
  async keptLinks(session: SessionEntity): Promise<OpenedLink[]> {
    if (!SCOPED.has(session.role)) return [];
    const now = this.clock.now();
    return (await this.links.keptBy(session.userId)).flatMap((link) => {
      const evaluation = evaluateShareLink(link, { now, passwordVerified: true });
      return evaluation.status === 'valid'
        ? [{ target: evaluation.target, downloadAllowed: evaluation.downloadAllowed }]
        : [];
    });
  }

  /** Forgets unlocks past their time (they no longer open anything). */
  purgeUnlocks(): Promise<void> {
    return this.links.purgeUnlocks(this.clock.now());
  }

  private async blocked(linkId: string | null, address: string, now: Date): Promise<Date | null> {
    const byAddress = await this.throttle.count(`address:${address}`, ADDRESS_THROTTLE, now);
    const byLink = linkId ? await this.throttle.count(`link:${linkId}`, LINK_THROTTLE, now) : null;
    if (!byAddress) return byLink;
    if (!byLink) return byAddress;
    return byAddress > byLink ? byAddress : byLink;
  }

  private throttled(until: Date, now: Date): InstanceError {
    const retryAfter = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    return new InstanceError('ERR_LINK_THROTTLED', 'Too many wrong passwords: try again later.', 429, {
      retryAfter,
    });
  }
}
