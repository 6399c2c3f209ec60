import { describe, expect, it } from 'vitest';
import type { InstanceConfig } from '../config.js';
import type { SessionRepository } from '../repositories/session.repository.js';
import { Clock } from '../common/clock.js';
import { SessionService } from './session.service.js';

function service(publicUrl: string): SessionService {
  const config = {
    nodeName: 'family',
    publicUrl,
    sessionMaxAgeMs: 1000,
    sessionIdleMs: 500,
  } as InstanceConfig;
  return new SessionService(config, {} as SessionRepository, new Clock());
}

describe('session cookies', () => {
  it('are named after the instance, host-only, HttpOnly and SameSite=Lax', () => {
    const sessions = service('http://127.0.0.1:8081');
    expect(sessions.cookieName).toBe('atrium_family');
    expect(sessions.cookie(sessions.cookieName, 'v')).toBe('atrium_family=v; Path=/; HttpOnly; SameSite=Lax');
  });

  it('are Secure under https', () => {
    const sessions = service('https://family.photos.example.org');
    expect(sessions.cookie(sessions.cookieName, 'v')).toBe(
      'atrium_family=v; Path=/; HttpOnly; SameSite=Lax; Secure',
    );
  });

  it('are removed with an empty value that expires at once', () => {
    expect(service('https://x.example').clearCookie('atrium_family_login', '/auth/callback')).toBe(
      'atrium_family_login=; Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age=0; Secure',
    );
  });

  it('are never taken for a token other than the session’s CSRF token', () => {
    const sessions = service('https://x.example');
    const session = { csrfToken: 'right' } as Parameters<SessionService['csrfMatches']>[0];
    expect(sessions.csrfMatches(session, 'right')).toBe(true);
    for (const wrong of ['wrong', '', undefined, ['right'], 42])
      expect(sessions.csrfMatches(session, wrong)).toBe(false);
  });
});
