import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { SessionRepository, type SessionListRow } from '../repositories/session.repository.js';
import { AccountService } from './account.service.js';
import { PortalError } from '../common/errors.js';
import { RevocationService } from './revocation.service.js';

/** `atrium auth ls/show/rm/reset`: portal sessions, ended with back-channel logout like a sign-out. */
@Injectable()
export class SessionAdminService {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionRepository,
    private readonly revocation: RevocationService,
    private readonly audit: AuditRepository,
    private readonly accounts: AccountService,
  ) {}

  list(search?: string, page?: { offset?: number; limit?: number }): Promise<SessionListRow[]> {
    return this.sessions.list(search, page);
  }

  async show(ref: string): Promise<SessionListRow> {
    const row = (await this.sessions.list()).find((s) => s.ref === ref);
    if (!row) throw new PortalError('ERR_SESSION_NOT_FOUND', `no such session: ${ref}`, 404);
    return row;
  }

  async remove(ref: string, actor: string): Promise<void> {
    const session = await this.sessions.findByRef(ref);
    if (!session) throw new PortalError('ERR_SESSION_NOT_FOUND', `no such session: ${ref}`, 404);
    await this.db.transaction(async (em) => {
      await this.revocation.endPortalSessions([session.id], 'session_ended', em);
      await this.audit.admin(
        { actor, action: 'auth.rm', target: ref, details: { accountId: session.accountId } },
        em,
      );
    });
  }

  /**
   * Ends every session of one account: its portal sessions, what the issuer granted, and (by a
   * `sub` back-channel logout through the outbox) its sessions on every library. Returns how many
   * portal sessions there were.
   */
  async removeAllOf(username: string, actor: string): Promise<number> {
    const account = await this.accounts.require(username);
    const ids = (await this.sessions.forAccount(account.id)).map((s) => s.id);
    await this.db.transaction(async (em) => {
      await this.revocation.endAccount(account.id, 'sessions_ended', em);
      await this.audit.admin(
        { actor, action: 'auth.rm-user', target: account.username, details: { sessions: ids.length } },
        em,
      );
    });
    return ids.length;
  }

  /** Ends every portal session; returns how many there were. */
  async reset(actor: string): Promise<number> {
    const ids = await this.sessions.allIds();
    await this.db.transaction(async (em) => {
      await this.revocation.endPortalSessions(ids, 'session_ended', em);
      await this.audit.admin(
        { actor, action: 'auth.reset', target: '*', details: { sessions: ids.length } },
        em,
      );
    });
    return ids.length;
  }
}
