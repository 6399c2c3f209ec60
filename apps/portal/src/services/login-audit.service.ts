import { Injectable } from '@nestjs/common';
import { PortalError } from '../common/errors.js';
import {
  LOGIN_METHODS,
  LOGIN_REASONS,
  LOGIN_RESULTS,
  type LoginMethod,
  type LoginReason,
  type LoginResult,
} from '../common/login-reasons.js';
import type { LoginAuditEntity } from '../entities/audit.entity.js';
import { AuditRepository } from '../repositories/audit.repository.js';

/** One attempt to record. */
export interface LoginAttempt {
  method: LoginMethod;
  /** OIDC provider id, `ldap`, or the node an app password was presented at. */
  provider?: string | null;
  result: LoginResult;
  /** Required for a failure. */
  reason?: LoginReason | null;
  /** As typed or as the provider named the person. */
  username: string;
  accountId?: string | null;
  meta: { ip?: string | null; userAgent?: string | null };
}

/** Filters of a page of the audit, as a caller (CLI, admin screen) passes them. */
export interface LoginAuditFilter {
  search?: string;
  method?: string;
  result?: string;
  reason?: string;
  provider?: string;
  accountId?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–1000; 100 unless set. */
  limit?: number;
}

export interface LoginAuditPage {
  entries: LoginAuditEntity[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

const MAX_LIMIT = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): PortalError {
  return new PortalError('ERR_AUDIT_QUERY_INVALID', message);
}

function oneOf(value: string | undefined, allowed: readonly string[], name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) throw invalid(`unknown ${name} ${JSON.stringify(value)}; use one of ${allowed.join(', ')}`);
  return value;
}

function text(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 200 || /\p{Cc}/u.test(value)) throw invalid(`${name} is up to 200 printable characters`);
  return value;
}

/**
 * The sign-in audit: every attempt at the portal (local, TOTP, OIDC, LDAP) and with app passwords
 * at nodes, with a stable reason an admin reads to learn why a sign-in failed.
 */
@Injectable()
export class LoginAuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(attempt: LoginAttempt): Promise<void> {
    if (attempt.result === 'failure' && !attempt.reason)
      throw new Error(`a failed ${attempt.method} sign-in needs a reason`);
    await this.audit.login({
      method: attempt.method,
      provider: attempt.provider?.slice(0, 200) ?? null,
      result: attempt.result,
      reason: attempt.reason ?? null,
      username: attempt.username.slice(0, 200),
      accountId: attempt.accountId ?? null,
      ip: attempt.meta.ip ?? null,
      userAgent: attempt.meta.userAgent?.slice(0, 300) ?? null,
    });
  }

  /** A page of attempts, newest first; bad filters are refused with ERR_AUDIT_QUERY_INVALID (400). */
  async list(filter: LoginAuditFilter = {}): Promise<LoginAuditPage> {
    const limit = filter.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw invalid(`limit is a whole number from 1 to ${MAX_LIMIT}`);
    if (filter.cursor !== undefined && !/^[1-9]\d{0,18}$/.test(filter.cursor))
      throw invalid('cursor is the nextCursor of a previous page');
    if (filter.accountId !== undefined && !UUID.test(filter.accountId))
      throw invalid('accountId is an account id (a UUID)');
    const entries = await this.audit.loginEntries({
      search: text(filter.search, 'search'),
      method: oneOf(filter.method, LOGIN_METHODS, 'method'),
      result: oneOf(filter.result, LOGIN_RESULTS, 'result'),
      reason: oneOf(filter.reason, LOGIN_REASONS, 'reason'),
      provider: text(filter.provider, 'provider'),
      accountId: filter.accountId,
      before: filter.cursor,
      limit: limit + 1,
    });
    const more = entries.length > limit;
    const page = more ? entries.slice(0, limit) : entries;
    return { entries: page, nextCursor: more ? page[page.length - 1]!.id : null };
  }
}
