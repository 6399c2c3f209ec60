import type { Request, Response } from 'express';
import type { IssuedSession, SessionService } from '../services/session.service.js';

/** What the sign-in services record of a request (the audit log and the session row). */
export const meta = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

/** Sets the session cookie: HttpOnly, SameSite=Lax, `__Host-` and Secure under https. */
export function setSessionCookie(res: Response, sessions: SessionService, issued: IssuedSession): void {
  const { name, options } = sessions.cookie();
  res.cookie(name, issued.token, { ...options, maxAge: issued.session.expiresAt.getTime() - Date.now() });
}

export function clearSessionCookie(res: Response, sessions: SessionService): void {
  const { name, options } = sessions.cookie();
  res.clearCookie(name, options);
}

