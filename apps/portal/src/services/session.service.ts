import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { digestSecret, generateSecretToken } from '@atrium/auth';
import type { PortalSessionEntity, SessionStage } from '../entities/session.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { SessionRepository, type SessionWithAccount } from '../repositories/session.repository.js';
import { Clock } from '../common/clock.js';
import { RevocationService } from './revocation.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** A session and the cookie value that names it (only ever sent to the browser). */
export interface IssuedSession {
  session: PortalSessionEntity;
  token: string;
}

/** `GET /api/session`: who is signed in, at which stage, and the CSRF token. */
export type SessionView =
  | { signedIn: false }
  | {
      signedIn: boolean;
      stage: SessionStage;
      username: string;
      name: string;
      clusterAdmin: boolean;
      csrfToken: string;
    };

export interface CookieSpec {
  name: string;
  options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; maxAge?: number };
}

// Refreshing last_seen_at on every request would write on every page view; once a minute is enough.
const TOUCH_EVERY_MS = 60_000;

/**
 * Server-side portal sessions: the browser holds a random token, Postgres holds its digest, the
 * stage (half signed in until TOTP), the methods used, and the absolute and idle deadlines.
 */
/**
 * A session's short public name (12 characters), as `atrium auth ls` lists it and `auth rm` takes
 * it: base64url, but never starting with `-` or `_`, which a command line would read as an option
 * (one ref in 32 did).
 */
export function newSessionRef(): string {
  const ref = randomBytes(9).toString('base64url');
  return /^[-_]/.test(ref) ? `s${ref.slice(1)}` : ref;
}

@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly accounts: AccountRepository,
    private readonly revocation: RevocationService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** The session cookie: `__Host-` and Secure under https, HttpOnly and SameSite=Lax always. */
  cookie(): CookieSpec {
    const secure = this.settings.publicUrl.startsWith('https:');
    return {
      name: secure ? '__Host-atrium-portal' : 'atrium-portal',
      options: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
    };
  }

  async create(
    accountId: string,
    stage: SessionStage,
    amr: string[],
    meta: SessionMeta,
  ): Promise<IssuedSession> {
    const now = this.clock.now();
    const token = generateSecretToken();
    const session: PortalSessionEntity = {
      id: digestSecret(token),
      ref: newSessionRef(),
      accountId,
      stage,
      amr,
      csrfToken: generateSecretToken(),
      pendingTotp: null,
      authTime: now,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.settings.sessionMaxAgeMs),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    };
    await this.sessions.insert(session);
    return { session, token };
  }

  /**
   * The live session the cookie names, or `undefined`. An expired, idle or orphaned session, or
   * one of a disabled account, is ended on the spot.
   */
  async find(token: unknown): Promise<PortalSessionEntity | undefined> {
    // cookie-parser turns a `j:` value into JSON: anything but a plain string names no session.
    if (typeof token !== 'string' || !token || token.length > 200) return undefined;
    return this.alive(await this.sessions.findWithAccount(digestSecret(token)));
  }

  /** The session the cookie names, as the UI sees it (`signedIn` only once every step is done). */
  async view(token: unknown): Promise<SessionView> {
    const session = await this.find(token);
    const account = session ? await this.accounts.findById(session.accountId) : null;
    if (!session || !account) return { signedIn: false };
    return {
      signedIn: session.stage === 'full',
      stage: session.stage,
      username: account.username,
      name: account.name,
      clusterAdmin: account.clusterAdmin,
      csrfToken: session.csrfToken,
    };
  }

  /** `find` for a session already read with its account's status (the issuer reads it with other rows). */
  async alive(found: SessionWithAccount | undefined): Promise<PortalSessionEntity | undefined> {
    if (!found) return undefined;
    const { session } = found;
    const now = this.clock.now();
    const idle = session.lastSeenAt.getTime() + this.settings.sessionIdleMs <= now.getTime();
    if (session.expiresAt <= now || idle || !found.accountActive) {
      await this.revocation.endPortalSessions([session.id], 'session_expired');
      return undefined;
    }
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      session.lastSeenAt = now;
      await this.sessions.update(session.id, { lastSeenAt: now });
    }
    return session;
  }

  /** Moves a session to its next stage under a new id and cookie (a new session id at each step). */
  async advance(
    session: PortalSessionEntity,
    stage: SessionStage,
    amr: string[],
    patch: Partial<PortalSessionEntity> = {},
  ): Promise<IssuedSession> {
    const now = this.clock.now();
    const token = generateSecretToken();
    const next: PortalSessionEntity = {
      ...session,
      ...patch,
      id: digestSecret(token),
      ref: newSessionRef(),
      stage,
      amr,
      csrfToken: generateSecretToken(),
      authTime: stage === 'full' ? now : session.authTime,
      lastSeenAt: now,
    };
    await this.sessions.insert(next);
    await this.sessions.relink(session.id, next.id);
    await this.sessions.delete(session.id);
    return { session: next, token };
  }

  async update(session: PortalSessionEntity, patch: Partial<PortalSessionEntity>): Promise<void> {
    Object.assign(session, patch);
    await this.sessions.update(session.id, patch);
  }

  /** Signs out: the portal session, its issuer sessions, and the instance sessions they opened. */
  async end(session: PortalSessionEntity, reason = 'signed_out'): Promise<void> {
    await this.revocation.endPortalSessions([session.id], reason);
  }

  /** Remembers which issuer session this portal session backs, for back-channel logout on sign-out. */
  async link(opSessionUid: string, session: PortalSessionEntity): Promise<void> {
    await this.sessions.link(opSessionUid, session.id, session.accountId);
  }
}
