import { randomUUID } from 'node:crypto';
import { digestSecret } from '@atrium/auth';
import { PortalError } from '../common/errors.js';
import type { LoginReason } from '../common/login-reasons.js';
import type { EmailLinkEntity, EmailLinkKind, InvitationFields } from '../entities/email.entity.js';
import { parseEmail } from '../common/validation.js';
import type { SessionMeta } from './session.service.js';
import type { ThrottlePolicy, ThrottleService } from './throttle.service.js';

/** Wrong guesses at mailed links from one address: tokens carry 256 bits, this only keeps noise down. */
export const LINK_POLICY: ThrottlePolicy = {
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/** Mail asked for by anyone (registration, reset): a few per hour to one recipient… */
export const MAIL_TO_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  windowMs: 60 * 60_000,
};
/** …and more from one address (an office shares it). */
export const MAIL_FROM_POLICY: ThrottlePolicy = { ...MAIL_TO_POLICY, freeFailures: 30 };

export const invalidLink = () =>
  new PortalError(
    'ERR_LINK_INVALID',
    'this link is invalid, already used or expired; ask for a new one',
    404,
  );

export const linkAddressKey = (meta: SessionMeta) => `link:address:${meta.ip ?? 'unknown'}`;

/** An address that must be given (parseEmail lets an empty one through as "none"). */
export function requireEmail(value: unknown): string {
  const email = typeof value === 'string' ? parseEmail(value) : null;
  if (!email) throw new PortalError('ERR_EMAIL_INVALID', 'an email address is required');
  return email;
}

/**
 * Every request that mails someone counts, on the requester's address and on the recipient (case
 * folded), before anything is looked up: the same for known and unknown recipients.
 */
export async function mailThrottle(
  throttle: ThrottleService,
  email: string,
  meta: SessionMeta,
): Promise<void> {
  await throttle.attempt([
    [`mail:to:${email.toLowerCase()}`, MAIL_TO_POLICY],
    [`mail:address:${meta.ip ?? 'unknown'}`, MAIL_FROM_POLICY],
  ]);
}

/**
 * The start of every "mail me a link" request: mail must be on (`advice` says whom to ask
 * otherwise), the address valid, and the throttle passed, before anything is looked up.
 */
export async function openMailRequest(
  mailEnabled: boolean,
  throttle: ThrottleService,
  email: string,
  meta: SessionMeta,
  advice: string,
): Promise<string> {
  if (!mailEnabled)
    throw new PortalError('ERR_MAIL_UNAVAILABLE', `this portal cannot send mail; ${advice}`, 404);
  const address = requireEmail(email);
  await mailThrottle(throttle, address, meta);
  return address;
}

/** Why a link is not live, for the sign-in audit (the person only ever sees ERR_LINK_INVALID). */
export function linkRefusal(
  link: EmailLinkEntity | null,
  kinds: EmailLinkKind[],
  now: Date,
): LoginReason | undefined {
  if (!link || !kinds.includes(link.kind)) return 'link_invalid';
  if (link.usedAt) return 'link_used';
  if (link.expiresAt <= now) return 'link_expired';
  return undefined;
}

/** A new mailed link as stored: only the digest of its token, never the token itself. */
export function linkRecord(
  kind: EmailLinkKind,
  token: string,
  email: string,
  accountId: string | null,
  fields: InvitationFields,
  createdBy: string,
  now: Date,
  ttl: number,
): EmailLinkEntity {
  return {
    id: randomUUID(),
    kind,
    digest: digestSecret(token),
    email,
    accountId,
    fields,
    createdBy,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl),
    usedAt: null,
  };
}
