import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken, safeEqual } from '@atrium/auth';
import type { InstanceAccess, OpenedLink, Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import type { SessionEntity } from '../entities/session.entity.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { Clock } from '../common/clock.js';
import { INSTANCE_CONFIG } from '../common/tokens.js';

/** How a request's session cookie turned out. */
export type SessionLookup =
  { status: 'none' } | { status: 'expired' } | { status: 'active'; session: SessionEntity };

/** What a new session is made from: a verified ID token's subject, portal session and access. */
export interface NewSession {
  userId: string;
  portalSid: string | null;
  access: InstanceAccess;
  idToken: string;
  authTime: Date | null;
}

// Writing last_seen_at on every request would turn each read into a write.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The instance's own sessions (docs/contracts.md §2): a random secret in the cookie `atrium_<node>`, its
 * digest as the row id, a new one at every sign-in, an absolute lifetime and an idle timeout.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  /** The session cookie's name: the instance's own, so one instance never reads another's. */
  get cookieName(): string {
    return `atrium_${this.config.nodeName}`;
  }

  /** Creates a session; returns the cookie value (the secret) and the row. */
  async create(input: NewSession): Promise<{ secret: string; session: SessionEntity }> {
    const now = this.clock.now();
    const secret = generateSecretToken();
    const session = {
      id: digestSecret(secret),
      userId: input.userId,
      portalSid: input.portalSid,
      role: input.access.role,
      groups: input.access.groups,
      basePath: input.access.basePath,
      uploadPath: input.access.uploadPath,
      webdav: input.access.webdav,
      csrfToken: generateSecretToken(),
      idToken: input.idToken,
      authTime: input.authTime,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionMaxAgeMs),
    } satisfies SessionEntity;
    await this.sessions.insert(session);
    return { secret, session };
  }

  /** Finds the session behind a cookie value; an expired one is deleted and reported as such. */
  async lookup(secret: string | undefined): Promise<SessionLookup> {
    if (!secret) return { status: 'none' };
    const session = await this.sessions.findById(digestSecret(secret));
    if (!session) return { status: 'expired' };
    const now = this.clock.now();
    if (!this.isLive(session, now)) {
      await this.sessions.delete([session.id]);
      return { status: 'expired' };
    }
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.sessions.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return { status: 'active', session };
  }

  /** Ends the session behind a cookie value, if any; returns it. */
  async end(secret: string | undefined): Promise<SessionEntity | undefined> {
    if (!secret) return undefined;
    const session = await this.sessions.findById(digestSecret(secret));
    if (session) await this.sessions.delete([session.id]);
    return session ?? undefined;
  }

  /** Ends what a back-channel logout names; returns how many sessions ended. */
  endForLogout(target: { sid?: string; sub?: string }): Promise<number> {
    return this.sessions.deleteForLogout(target);
  }

  /** Removes sessions past their lifetime or idle timeout. */
  purgeExpired(): Promise<number> {
    const now = this.clock.now();
    return this.sessions.deleteExpired(now, new Date(now.getTime() - this.config.sessionIdleMs));
  }

  csrfMatches(session: SessionEntity, token: unknown): boolean {
    return typeof token === 'string' && safeEqual(token, session.csrfToken);
  }

  /** The `Set-Cookie` value for a session cookie (host-only, HttpOnly, SameSite=Lax, Secure under https). */
  cookie(name: string, value: string, options: { path?: string; maxAgeSeconds?: number } = {}): string {
    const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
    if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
    if (this.config.publicUrl.startsWith('https:')) parts.push('Secure');
    return parts.join('; ');
  }

  /** A `Set-Cookie` value that removes `name`. */
  clearCookie(name: string, path = '/'): string {
    return this.cookie(name, '', { path, maxAgeSeconds: 0 });
  }

  private isLive(session: SessionEntity, now: Date): boolean {
    return (
      now < session.expiresAt && now.getTime() - session.lastSeenAt.getTime() < this.config.sessionIdleMs
    );
  }
}

/** The policy viewer of a signed-in session, with the share links it opened and keeps. */
export function viewerOf(session: SessionEntity, links: readonly OpenedLink[] = []): Viewer {
  return {
    role: session.role,
    id: session.userId,
    groups: session.groups,
    basePath: session.basePath,
    uploadPath: session.uploadPath,
    links,
  };
}
