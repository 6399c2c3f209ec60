import { Inject, Injectable } from '@nestjs/common';
import {
  consumeRecoveryCode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashPassword,
  hashRecoveryCode,
  isAuthError,
  needsRehash,
  totpUri,
  verifyDummy,
  verifyPassword,
  verifyTotp,
} from '@atrium/auth';
import type { AccountEntity } from '../entities/account.entity.js';
import type { PortalSessionEntity, SessionStage } from '../entities/session.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import type { LoginReason } from '../common/login-reasons.js';
import { LdapSignInService } from '../upstream/ldap/ldap-sign-in.service.js';
import { LoginAuditService, type LoginAttempt } from './login-audit.service.js';
import { SessionService, type IssuedSession, type SessionMeta } from './session.service.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, ThrottleService } from './throttle.service.js';

/** What the browser should do after a step: enter a TOTP code, enrol TOTP, or carry on signed in. */
export type NextStep = 'totp' | 'enrol_totp' | 'done';

export interface StepResult extends IssuedSession {
  next: NextStep;
}

const NEXT: Record<SessionStage, NextStep> = { password: 'totp', enrol_totp: 'enrol_totp', full: 'done' };

const badCredentials = () => new PortalError('ERR_BAD_CREDENTIALS', 'wrong username or password', 401);

// Its own counter: a correct password resets the account's, and must not buy fresh guesses at the code.
const secondFactorKey = (account: AccountEntity) => `login:second-factor:${account.id}`;

export function totpAad(accountId: string): string {
  return `totp:${accountId}`;
}

/**
 * Local sign-in (docs/contracts.md §4): argon2id off the event loop with a dummy hash for unknown users,
 * progressive delays per account and per address checked before any hashing, then TOTP (±1 step,
 * each step once) or a recovery code; a cluster admin without TOTP must enrol before going on.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionService,
    private readonly throttle: ThrottleService,
    private readonly logins: LoginAuditService,
    private readonly ldap: LdapSignInService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  async password(input: { username: string; password: string }, meta: SessionMeta): Promise<StepResult> {
    const username =
      typeof input.username === 'string' ? input.username.trim().toLowerCase().slice(0, 64) : '';
    const attempt = { method: 'password' as const, username, meta };
    const keys = { account: `login:account:${username}`, address: `login:address:${meta.ip ?? 'unknown'}` };
    // The account's count goes up before the (slow) password check, so parallel guesses cannot all
    // slip past its limit; the address (shared by an office) is checked now and counted on failure.
    await this.throttled(attempt, () =>
      this.throttle.attempt([[keys.account, ACCOUNT_POLICY]], [keys.address]),
    );
    const account = username ? await this.accounts.findByUsername(username) : null;
    // A name that is no local account is the directory's to judge (a local account always wins).
    if (this.ldap.enabled && (!account || account.authProvider === 'ldap'))
      return this.directoryPassword(input, attempt, keys);
    const refusal = account ? localRefusal(account) : 'unknown_user';
    const ok = refusal
      ? await verifyDummy(input.password)
      : await verifyPassword(input.password, account!.passwordHash!);
    if (!ok || !account) {
      await this.logins.record({
        ...attempt,
        accountId: account?.id ?? null,
        result: 'failure',
        reason: refusal ?? 'bad_password',
      });
      await this.throttle.fail(keys.address, ADDRESS_POLICY);
      throw badCredentials();
    }
    await this.throttle.succeed(keys.account);
    if (needsRehash(account.passwordHash!))
      await this.accounts.update(account.id, { passwordHash: await hashPassword(input.password) });
    return this.start(account, ['pwd'], attempt);
  }

  private async directoryPassword(
    input: { username: string; password: string },
    attempt: Pick<LoginAttempt, 'username' | 'meta'>,
    keys: { account: string; address: string },
  ): Promise<StepResult> {
    let account: AccountEntity;
    try {
      account = await this.ldap.authenticate(input.username, input.password, attempt);
    } catch (error) {
      if (error instanceof PortalError && error.code === 'ERR_BAD_CREDENTIALS')
        await this.throttle.fail(keys.address, ADDRESS_POLICY);
      throw error;
    }
    await this.throttle.succeed(keys.account);
    return this.start(account, ['pwd'], { ...attempt, method: 'ldap', provider: 'ldap' });
  }

  /**
   * Opens a session for an account whose first factor passed (a local or directory password, an
   * upstream provider), half signed in while TOTP or its enrolment is due, and records the attempt.
   */
  async start(
    account: AccountEntity,
    amr: string[],
    attempt: Pick<LoginAttempt, 'method' | 'provider' | 'username' | 'reason' | 'meta'>,
  ): Promise<StepResult> {
    const stage = firstStage(account);
    const issued = await this.sessions.create(account.id, stage, amr, attempt.meta);
    await this.logins.record({
      ...attempt,
      accountId: account.id,
      result: stage === 'full' ? 'success' : 'partial',
      reason:
        stage === 'password'
          ? 'second_factor_required'
          : stage === 'enrol_totp'
            ? 'totp_enrolment_required'
            : (attempt.reason ?? null),
    });
    return { ...issued, next: NEXT[stage] };
  }

  /** Runs a throttle check, recording a refusal as `throttled` before passing it on. */
  async throttled(
    attempt: Pick<LoginAttempt, 'method' | 'provider' | 'username' | 'meta'> & { accountId?: string | null },
    check: () => Promise<void>,
  ): Promise<void> {
    try {
      await check();
    } catch (error) {
      if (error instanceof PortalError && error.code === 'ERR_THROTTLED')
        await this.logins.record({ ...attempt, result: 'failure', reason: 'throttled' });
      throw error;
    }
  }

  /** The second step with a code from the authenticator app. */
  async totp(session: PortalSessionEntity, code: string, meta: SessionMeta): Promise<StepResult> {
    const account = await this.secondStepAccount(session);
    await this.spendSecondFactor(account, 'totp', code, meta, 'success');
    return { ...(await this.sessions.advance(session, 'full', ['pwd', 'otp', 'mfa'])), next: 'done' };
  }

  /** The second step with a recovery code, which is spent atomically. */
  async recoveryCode(session: PortalSessionEntity, code: string, meta: SessionMeta): Promise<StepResult> {
    const account = await this.secondStepAccount(session);
    await this.spendSecondFactor(account, 'recovery_code', code, meta, 'success');
    return { ...(await this.sessions.advance(session, 'full', ['pwd', 'mfa'])), next: 'done' };
  }

  /** Starts TOTP enrolment: a new secret kept sealed in the session until a code confirms it. */
  async startEnrolment(session: PortalSessionEntity): Promise<{ secret: string; uri: string }> {
    if (session.stage === 'password')
      throw new PortalError('ERR_SESSION_STAGE', 'finish signing in first', 403);
    const account = await this.accounts.findById(session.accountId);
    if (!account) throw new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    const secret = generateTotpSecret();
    await this.sessions.update(session, {
      pendingTotp: this.settings.secretKey.encrypt(secret, totpAad(account.id)),
    });
    const issuer = new URL(this.settings.publicUrl).host;
    return { secret, uri: totpUri({ secret, issuer: `Atrium (${issuer})`, account: account.username }) };
  }

  /**
   * Confirms enrolment with a first code; returns recovery codes, shown once. Replacing a second
   * factor the account already has takes a current code from it or an unused recovery code in the
   * same request (on the second-factor throttle), so a stolen session cannot swap in its own.
   */
  async confirmEnrolment(
    session: PortalSessionEntity,
    code: string,
    currentCode: string | undefined,
    meta: SessionMeta,
  ): Promise<StepResult & { recoveryCodes: string[] }> {
    if (!session.pendingTotp) throw new PortalError('ERR_SESSION_STAGE', 'start TOTP enrolment first', 403);
    const account = await this.accounts.findById(session.accountId);
    if (!account) throw new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    if (account.totpSecret && !currentCode)
      throw new PortalError(
        'ERR_TOTP_REQUIRED',
        'two-step verification is already set up: enter a code from your current authenticator or a recovery code',
        403,
        { field: 'currentCode' },
      );
    const secret = this.settings.secretKey.decrypt(session.pendingTotp, totpAad(session.accountId));
    let step: number;
    try {
      step = await verifyTotp(secret, code, { now: this.clock.now() });
    } catch (error) {
      if (isAuthError(error))
        throw new PortalError('ERR_TOTP_INVALID', 'wrong code; check the time on your device', 401);
      throw error;
    }
    if (account.totpSecret) {
      const method = /^\d{6}$/.test(currentCode!.replace(/\s+/g, '')) ? 'totp' : 'recovery_code';
      await this.spendSecondFactor(account, method, currentCode!, meta, 'totp_replaced', {
        field: 'currentCode',
      });
    }
    const recoveryCodes = generateRecoveryCodes();
    await this.accounts.update(session.accountId, {
      totpSecret: this.settings.secretKey.encrypt(secret, totpAad(session.accountId)),
      totpLastStep: step,
      recoveryCodes: recoveryCodes.map(hashRecoveryCode),
    });
    const issued = await this.sessions.advance(session, 'full', ['pwd', 'otp', 'mfa'], { pendingTotp: null });
    return { ...issued, next: 'done', recoveryCodes };
  }

  /**
   * New recovery codes for the account page, replacing every old one: takes a current TOTP code
   * or an unused recovery code (on the second-factor throttle); returns the codes, shown once.
   */
  async regenerateRecoveryCodes(
    session: PortalSessionEntity,
    code: string,
    meta: SessionMeta,
  ): Promise<string[]> {
    const account = await this.accounts.findById(session.accountId);
    if (!account) throw new PortalError('ERR_SESSION_REQUIRED', 'sign in first', 401);
    if (!account.totpSecret)
      throw new PortalError('ERR_SESSION_STAGE', 'set up two-step verification first', 409);
    const method = /^\d{6}$/.test(String(code).replace(/\s+/g, '')) ? 'totp' : 'recovery_code';
    await this.spendSecondFactor(account, method, code, meta, 'recovery_codes_replaced', { field: 'code' });
    const recoveryCodes = generateRecoveryCodes();
    await this.accounts.update(account.id, { recoveryCodes: recoveryCodes.map(hashRecoveryCode) });
    return recoveryCodes;
  }

  /**
   * Spends a code of the account's second factor — a TOTP step not used before, or an unused
   * recovery code — counted on the second-factor throttle and written to the login audit; a wrong
   * or spent code is refused with 401 (`details` added to the error).
   */
  private async spendSecondFactor(
    account: AccountEntity,
    method: 'totp' | 'recovery_code',
    code: string,
    meta: SessionMeta,
    outcome: 'success' | 'totp_replaced' | 'recovery_codes_replaced',
    details?: Record<string, unknown>,
  ): Promise<void> {
    const key = secondFactorKey(account);
    const attempt = { method, username: account.username, accountId: account.id, meta };
    await this.throttled(attempt, () => this.throttle.attempt([[key, ACCOUNT_POLICY]]));
    const ok =
      method === 'totp' ? await this.spendTotp(account, code) : await this.spendRecoveryCode(account, code);
    await this.logins.record({
      ...attempt,
      result: ok ? 'success' : 'failure',
      reason: ok
        ? outcome === 'success'
          ? null
          : outcome
        : method === 'totp'
          ? 'totp_invalid'
          : 'recovery_code_invalid',
    });
    if (!ok)
      throw method === 'totp'
        ? new PortalError('ERR_TOTP_INVALID', 'wrong or already used code', 401, details)
        : new PortalError('ERR_RECOVERY_CODE_INVALID', 'unknown or already used recovery code', 401, details);
    await this.throttle.succeed(key);
  }

  private async spendTotp(account: AccountEntity, code: string): Promise<boolean> {
    try {
      const secret = this.settings.secretKey.decrypt(account.totpSecret!, totpAad(account.id));
      const step = await verifyTotp(secret, code, {
        lastUsedStep: account.totpLastStep,
        now: this.clock.now(),
      });
      return await this.accounts.advanceTotpStep(account.id, step);
    } catch (error) {
      if (isAuthError(error)) return false;
      throw error;
    }
  }

  private async spendRecoveryCode(account: AccountEntity, code: string): Promise<boolean> {
    let remaining: string[];
    try {
      remaining = consumeRecoveryCode(account.recoveryCodes, code);
    } catch (error) {
      if (isAuthError(error)) return false;
      throw error;
    }
    return this.accounts.replaceRecoveryCodes(account.id, account.recoveryCodes, remaining);
  }

  private async secondStepAccount(session: PortalSessionEntity): Promise<AccountEntity> {
    if (session.stage !== 'password')
      throw new PortalError('ERR_SESSION_STAGE', 'no code is expected now', 403);
    const account = await this.accounts.findById(session.accountId);
    if (!account?.totpSecret) throw new PortalError('ERR_SESSION_STAGE', 'no code is expected now', 403);
    return account;
  }
}

/** Why a local password sign-in of this account cannot succeed, or undefined when it can. */
function localRefusal(account: AccountEntity): LoginReason | undefined {
  if (account.disabled) return 'account_disabled';
  if (!account.canLogin) return 'login_disabled';
  if (account.authProvider !== 'local' || !account.passwordHash) return 'wrong_method';
  return undefined;
}

/** Half signed in while TOTP is pending; a cluster admin without TOTP must enrol first (docs/architecture.md rule 4). */
export function firstStage(account: AccountEntity): SessionStage {
  if (account.totpSecret) return 'password';
  return account.clusterAdmin ? 'enrol_totp' : 'full';
}
