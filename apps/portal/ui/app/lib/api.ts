'use client';

// The fetch/CSRF client is shared with the other UI: libs/web-client.
import { ApiFailure, api } from '@atrium/web-client';

export { ApiFailure, api, forgetCsrfToken, type ApiError } from '@atrium/web-client';

export interface SessionInfo {
  signedIn: boolean;
  stage?: 'password' | 'enrol_totp' | 'full';
  username?: string;
  name?: string;
  clusterAdmin?: boolean;
}

export const session = () => api<SessionInfo>('/api/session');

const UID = /^[A-Za-z0-9_-]{1,64}$/;

/** The issuer interaction this sign-in continues, if the query names a well-formed one. */
export function interactionFrom(params: URLSearchParams): string | undefined {
  const uid = params.get('interaction');
  return uid && UID.test(uid) ? uid : undefined;
}

export function withInteraction(path: string, uid: string | undefined): string {
  return uid ? `${path}?interaction=${encodeURIComponent(uid)}` : path;
}

/** Where to go once fully signed in: back to the issuer, or to the chooser. */
export function afterSignIn(uid: string | undefined): string {
  return uid ? `/interaction/${encodeURIComponent(uid)}` : '/chooser';
}

export function nextPage(next: string, uid: string | undefined): string {
  if (next === 'totp') return withInteraction('/signin/totp', uid);
  if (next === 'enrol_totp') return withInteraction('/signin/enrol', uid);
  return afterSignIn(uid);
}

export function describe(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.error.code === 'ERR_DIRECTORY_UNAVAILABLE')
      return 'The directory cannot be reached right now. Try again in a minute.';
    if (error.error.code === 'ERR_THROTTLED')
      return `Too many attempts. Try again in ${String(error.error.details?.retryAfter ?? 'a few')} seconds.`;
    return error.error.message;
  }
  return 'Something went wrong. Please try again.';
}
