import { Inject, Injectable, Logger } from '@nestjs/common';
import { PortalError } from '../../common/errors.js';
import type { AccountEntity } from '../../entities/account.entity.js';
import { LoginAuditService, type LoginAttempt } from '../../services/login-audit.service.js';
import { FederatedAccountService } from '../federated-accounts.service.js';
import type { LdapConfig } from './ldap-config.js';
import { LdapDirectory, LdapRefusal } from './ldap-directory.js';

export const LDAP_CONFIG = Symbol('LDAP_CONFIG');

const UNAVAILABLE = new Set(['ldap_unavailable', 'ldap_tls_failed']);

/**
 * Password sign-in against LDAP / Active Directory for names that are not local accounts: the
 * directory vouches for the person, the account is linked by entryUUID/objectGUID, and the
 * groups (normalized DNs) are replaced at each sign-in. Throttling is done by the caller, before
 * the directory is asked.
 */
@Injectable()
export class LdapSignInService {
  private readonly logger = new Logger('ldap');
  private readonly directory: LdapDirectory | null;

  constructor(
    @Inject(LDAP_CONFIG) config: LdapConfig | null,
    private readonly federated: FederatedAccountService,
    private readonly logins: LoginAuditService,
  ) {
    this.directory = config ? new LdapDirectory(config) : null;
  }

  get enabled(): boolean {
    return this.directory !== null;
  }

  /** The signed-in account, or a refusal (recorded in the audit): 401, or 503 when the directory is down. */
  async authenticate(
    typed: string,
    password: string,
    attempt: Pick<LoginAttempt, 'username' | 'meta'>,
  ): Promise<AccountEntity> {
    const record = { ...attempt, method: 'ldap' as const, provider: 'ldap' };
    let user;
    try {
      user = await this.directory!.authenticate(typed, password);
    } catch (error) {
      if (!(error instanceof LdapRefusal)) throw error;
      await this.logins.record({ ...record, result: 'failure', reason: error.reason });
      if (UNAVAILABLE.has(error.reason)) {
        this.logger.warn(error.message);
        throw new PortalError(
          'ERR_DIRECTORY_UNAVAILABLE',
          'the directory cannot be reached right now; try again in a minute',
          503,
        );
      }
      throw new PortalError('ERR_BAD_CREDENTIALS', 'wrong username or password', 401);
    }
    const result = await this.federated.signIn({
      kind: 'ldap',
      issuer: null,
      subject: user.id,
      usernameHint: user.username,
      namespace: 'ldap',
      alwaysNamespaced: false,
      name: user.name,
      email: user.email,
      emailVerified: false,
      groups: user.groups,
      createAccounts: true,
    });
    if ('refused' in result) {
      await this.logins.record({
        ...record,
        accountId: result.account?.id ?? null,
        result: 'failure',
        reason: result.refused,
      });
      throw new PortalError('ERR_BAD_CREDENTIALS', 'wrong username or password', 401);
    }
    return result.account;
  }
}
