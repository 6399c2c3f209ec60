import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generateSecretToken, secretMatchesDigest, digestSecret } from '@atrium/auth';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';
import type { AccountEntity } from '../entities/account.entity.js';
import type { NodeEntity } from '../entities/node.entity.js';
import { AccountRepository } from '../repositories/account.repository.js';
import { AppPasswordRepository, type AppPasswordRow } from '../repositories/app-password.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import type { LoginReason } from '../common/login-reasons.js';
import { Database } from '../repositories/database.js';
import { NodeRepository } from '../repositories/node.repository.js';
import { AdmissionService } from './admission.service.js';
import { LoginAuditService } from './login-audit.service.js';
import { ACCOUNT_POLICY, ThrottleService } from './throttle.service.js';

export const DEFAULT_APP_PASSWORD_TTL_MS = 90 * 86_400_000;
const MIN_TTL_MS = 3_600_000;
const MAX_TTL_MS = 366 * 86_400_000;
const MAX_PER_ACCOUNT = 50;
// 32 random bytes (256 bits, 43 base64url characters); the contract asks for at least 128.
const PASSWORD_BYTES = 32;

/** The node API's answer (docs/contracts.md §3). */
export type AppPasswordAnswer =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      role: string;
      groups: string[];
      basePath: string | null;
      uploadPath: string | null;
      webdav: boolean;
      expiresAt: string;
    };

export interface CreatedAppPassword {
  id: string;
  name: string;
  node: string;
  expiresAt: Date;
  /** Shown once; only its digest is kept. */
  password: string;
}

const FEATURE = 'app-passwords';

function parseName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name || [...name].length > 100 || /\p{Cc}/u.test(name))
    throw new PortalError(
      'ERR_NAME_INVALID',
      'an app password needs a name of 1–100 printable characters',
      400,
      {
        field: 'name',
      },
    );
  return name;
}

function parseTtl(value: number | undefined): number {
  const ttl = value ?? DEFAULT_APP_PASSWORD_TTL_MS;
  if (!Number.isSafeInteger(ttl) || ttl < MIN_TTL_MS || ttl > MAX_TTL_MS)
    throw new PortalError('ERR_EXPIRY_INVALID', 'an app password expires after 1 hour to 366 days', 400, {
      field: 'expires',
    });
  return ttl;
}

/**
 * App passwords: for one instance each, expiring, stored as SHA-256 digests (≥ 128 random bits
 * need no slow hash), checked only through the node API by that node, never at portal sign-in.
 * Role, paths and WebDAV are resolved for the node at every check, as the issuer does.
 */
@Injectable()
export class AppPasswordService {
  constructor(
    private readonly db: Database,
    private readonly passwords: AppPasswordRepository,
    private readonly accounts: AccountRepository,
    private readonly nodes: NodeRepository,
    private readonly admission: AdmissionService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditRepository,
    private readonly logins: LoginAuditService,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  get enabled(): boolean {
    return !this.settings.disabledFeatures.includes(FEATURE);
  }

  /** Creates an app password for an instance the account may open; the password is returned once. */
  async create(
    account: AccountEntity,
    input: { node: string; name: string; expiresInMs?: number },
    actor: string,
  ): Promise<CreatedAppPassword> {
    this.requireEnabled();
    const name = parseName(input.name);
    const ttl = parseTtl(input.expiresInMs);
    const node = typeof input.node === 'string' ? await this.nodes.findByName(input.node.trim()) : null;
    if (!node || node.role !== 'instance' || !(await this.allowed(account.id, node)))
      throw new PortalError(
        'ERR_NODE_NOT_FOUND',
        `no library ${JSON.stringify(input.node)} that ${account.username} may open`,
        404,
        {
          field: 'node',
        },
      );
    const password = generateSecretToken(PASSWORD_BYTES);
    const now = this.clock.now();
    const entity = {
      id: randomUUID(),
      accountId: account.id,
      nodeId: node.id,
      name,
      digest: digestSecret(password),
      createdBy: actor,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      lastUsedAt: null,
    };
    await this.db.transaction(async (em) => {
      if ((await this.passwords.countOf(account.id, em)) >= MAX_PER_ACCOUNT)
        throw new PortalError(
          'ERR_APP_PASSWORD_INVALID',
          `an account has at most ${MAX_PER_ACCOUNT} app passwords; remove one first`,
          409,
        );
      await this.passwords.insert(entity, em);
      await this.audit.admin(
        {
          actor,
          action: 'app-passwords.add',
          target: account.username,
          details: { id: entity.id, node: node.name, name, expiresAt: entity.expiresAt.toISOString() },
        },
        em,
      );
    });
    return { id: entity.id, name, node: node.name, expiresAt: entity.expiresAt, password };
  }

  /** The account's own app passwords (the account page). */
  ofAccount(accountId: string): Promise<AppPasswordRow[]> {
    return this.passwords.rowsOf(accountId);
  }

  /** Every app password, for `atrium auth ls`. */
  list(search?: string): Promise<AppPasswordRow[]> {
    return this.passwords.list(search);
  }

  async show(id: string): Promise<AppPasswordRow> {
    const row = isUuid(id) ? await this.passwords.row(id) : undefined;
    if (!row) throw new PortalError('ERR_APP_PASSWORD_NOT_FOUND', `no such app password: ${id}`, 404);
    return row;
  }

  /** Revokes at once; with `ownerId`, only one of that account's (another's answers "not found"). */
  async revoke(id: string, actor: string, ownerId?: string): Promise<void> {
    const row = isUuid(id) ? await this.passwords.row(id) : undefined;
    if (!row || (ownerId !== undefined && row.accountId !== ownerId))
      throw new PortalError('ERR_APP_PASSWORD_NOT_FOUND', `no such app password: ${id}`, 404);
    await this.db.transaction(async (em) => {
      await this.passwords.delete(id, em);
      await this.audit.admin(
        {
          actor,
          action: 'app-passwords.rm',
          target: row.username,
          details: { id, node: row.node, name: row.name },
        },
        em,
      );
    });
  }

  /**
   * `POST /api/cluster/app-passwords/verify` for `node`: active only for an app password made for
   * this node, unexpired, of an enabled account that still has access here. Throttled per node and
   * username before any lookup.
   */
  async verify(
    node: NodeEntity,
    input: { username: string; password: string },
    meta: { ip: string | null; userAgent: string | null },
  ): Promise<AppPasswordAnswer> {
    const username =
      typeof input.username === 'string' ? input.username.trim().toLowerCase().slice(0, 64) : '';
    const key = `app-password:${node.id}:${username}`;
    const attempt = { method: 'app_password' as const, provider: node.name, username, meta };
    try {
      await this.throttle.attempt([[key, ACCOUNT_POLICY]]);
    } catch (error) {
      if (error instanceof PortalError && error.code === 'ERR_THROTTLED')
        await this.logins.record({ ...attempt, result: 'failure', reason: 'throttled' });
      throw error;
    }
    const account = username ? await this.accounts.findByUsername(username) : null;
    const checked = await this.check(node, account, input.password);
    if (!('answer' in checked)) {
      await this.logins.record({
        ...attempt,
        accountId: account?.id ?? null,
        result: 'failure',
        reason: checked.reason,
      });
      return { active: false };
    }
    await this.throttle.succeed(key);
    await this.passwords.touch(checked.match.id, this.clock.now());
    await this.logins.record({ ...attempt, accountId: account!.id, result: 'success' });
    return checked.answer;
  }

  /** Why the password is refused (a reason code), or the match and the answer. */
  private async check(
    node: NodeEntity,
    account: AccountEntity | null,
    password: unknown,
  ): Promise<{ reason: LoginReason } | { match: { id: string }; answer: AppPasswordAnswer }> {
    const refuse = (reason: LoginReason) => ({ reason });
    if (!this.enabled) return refuse('app_password_feature_disabled');
    const candidates = account ? await this.passwords.secretsOf(account.id) : [];
    // Every candidate is compared (in constant time), so the answer's timing says nothing about which matched.
    let match: (typeof candidates)[number] | undefined;
    for (const candidate of candidates)
      if (secretMatchesDigest(typeof password === 'string' ? password : '', candidate.digest))
        match = candidate;
    if (!account || !match) return refuse('app_password_invalid');
    if (match.nodeId !== node.id) return refuse('app_password_wrong_node');
    if (match.expiresAt <= this.clock.now()) return refuse('app_password_expired');
    if (account.disabled) return refuse('account_disabled');
    const { decision, claims } = await this.admission.forToken(account.id, node.id);
    if (!decision.allowed || !claims) return refuse('app_password_no_access');
    const answer: AppPasswordAnswer = {
      active: true,
      sub: account.id,
      username: account.username,
      role: claims.atrium_role,
      groups: claims.atrium_groups,
      basePath: claims.atrium_base_path,
      uploadPath: claims.atrium_upload_path,
      webdav: claims.atrium_webdav,
      expiresAt: match.expiresAt.toISOString(),
    };
    return { match, answer };
  }

  private async allowed(accountId: string, node: NodeEntity): Promise<boolean> {
    const [pair] = await this.admission.decideMany([accountId], [node.id]);
    return !!pair?.decision.allowed;
  }

  private requireEnabled(): void {
    if (!this.enabled)
      throw new PortalError('ERR_FEATURE_DISABLED', 'app passwords are turned off on this portal', 404);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => typeof value === 'string' && UUID.test(value);
