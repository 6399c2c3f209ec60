import { Inject, Injectable } from '@nestjs/common';
import { generateSigningJwk, SIGNING_ALGORITHMS, type SigningAlg, type SigningJwk } from '@atrium/auth';
import type { EntityManager } from 'typeorm';
import type { SigningKeyEntity } from '../entities/oidc.entity.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { Database } from '../repositories/database.js';
import { SigningKeyRepository } from '../repositories/signing-key.repository.js';
import { Clock } from '../common/clock.js';
import { PortalError } from '../common/errors.js';
import { PORTAL_SETTINGS, type PortalSettings } from '../common/settings.js';

/** How long relying parties may cache the JWKS: a new key is published this long before it signs. */
export const JWKS_CACHE_MS = 5 * 60_000;
/** Longest token life (ID and access tokens, 10 min) plus 60 s of clock skew: how long a retired key stays. */
export const RETIRED_KEY_GRACE_MS = 10 * 60_000 + 60_000;

export type KeyStatus = 'next' | 'active' | 'retiring' | 'removed' | 'revoked';

export interface KeyInfo {
  kid: string;
  alg: string;
  status: KeyStatus;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
  removesAt: Date | null;
  revokedAt: Date | null;
}

/** The keys the issuer uses right now: signing keys first (one per algorithm), then the others it publishes. */
export interface SigningState {
  keys: SigningJwk[];
  active: Partial<Record<SigningAlg, SigningJwk>>;
  /** Changes whenever the published or the signing keys change. */
  fingerprint: string;
}

function isPublished(key: SigningKeyEntity, now: Date): boolean {
  return !key.revokedAt && !(key.removesAt && key.removesAt <= now);
}

function canSign(key: SigningKeyEntity, now: Date): boolean {
  return isPublished(key, now) && key.activatesAt <= now && !(key.retiresAt && key.retiresAt <= now);
}

/** The signing key of `alg`: the most recently activated key that may sign now. */
function activeOf(keys: SigningKeyEntity[], alg: string, now: Date): SigningKeyEntity | undefined {
  return keys
    .filter((k) => k.alg === alg && canSign(k, now))
    .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
}

function statusOf(key: SigningKeyEntity, all: SigningKeyEntity[], now: Date): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (!isPublished(key, now)) return 'removed';
  if (activeOf(all, key.alg, now)?.kid === key.kid) return 'active';
  return key.activatesAt > now ? 'next' : 'retiring';
}

/**
 * The issuer's Ed25519 and RSA keys, private parts sealed at rest (docs/contracts.md §1): rotation publishes
 * the next key a JWKS cache lifetime before it signs and keeps the old one until every token it
 * signed has expired; an emergency revoke removes a key at once.
 */
@Injectable()
export class KeyService {
  private readonly opened = new Map<string, SigningJwk>();

  constructor(
    private readonly repo: SigningKeyRepository,
    private readonly db: Database,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings,
  ) {}

  /** Creates a key for every algorithm that has none able to sign (first start, or after a revoke). */
  async ensureKeys(): Promise<void> {
    const now = this.clock.now();
    const existing = await this.repo.all();
    if (SIGNING_ALGORITHMS.every((alg) => activeOf(existing, alg, now))) return;
    await this.db.transaction(async (em) => {
      await this.repo.lock(em);
      const keys = await this.repo.all(em);
      for (const alg of SIGNING_ALGORITHMS) if (!activeOf(keys, alg, now)) await this.createKey(alg, now, em);
    });
  }

  async list(): Promise<KeyInfo[]> {
    const now = this.clock.now();
    const keys = await this.repo.all();
    return keys.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      status: statusOf(k, keys, now),
      createdAt: k.createdAt,
      activatesAt: k.activatesAt,
      retiresAt: k.retiresAt,
      removesAt: k.removesAt,
      revokedAt: k.revokedAt,
    }));
  }

  /** Schedules a new key per algorithm: published now, signing after the JWKS cache lifetime. */
  async rotate(actor: string, algs: readonly SigningAlg[] = SIGNING_ALGORITHMS): Promise<KeyInfo[]> {
    const now = this.clock.now();
    const activatesAt = new Date(now.getTime() + JWKS_CACHE_MS);
    const created: string[] = [];
    await this.db.transaction(async (em) => {
      await this.repo.lock(em);
      const keys = await this.repo.all(em);
      for (const alg of algs) {
        for (const key of keys.filter((k) => k.alg === alg && isPublished(k, now) && !k.retiresAt)) {
          await this.repo.update(
            key.kid,
            { retiresAt: activatesAt, removesAt: new Date(activatesAt.getTime() + RETIRED_KEY_GRACE_MS) },
            em,
          );
        }
        created.push(await this.createKey(alg, activatesAt, em));
      }
      await this.audit.admin(
        {
          actor,
          action: 'keys.rotate',
          target: created.join(','),
          details: { activatesAt: activatesAt.toISOString() },
        },
        em,
      );
    });
    return (await this.list()).filter((k) => created.includes(k.kid));
  }

  /** Removes a key from the JWKS and from signing at once; another key of its algorithm takes over now. */
  async revoke(kid: string, actor: string): Promise<{ replacement: string }> {
    const now = this.clock.now();
    return this.db.transaction(async (em) => {
      await this.repo.lock(em);
      const key = await this.repo.findByKid(kid, em);
      if (!key || key.revokedAt) throw new PortalError('ERR_KEY_NOT_FOUND', `no such key: ${kid}`, 404);
      await this.repo.update(kid, { revokedAt: now }, em);
      const rest = (await this.repo.all(em)).filter((k) => k.alg === key.alg && isPublished(k, now));
      let replacement = activeOf(rest, key.alg, now)?.kid;
      if (!replacement) {
        const newest = rest.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
        if (newest) {
          await this.repo.update(newest.kid, { activatesAt: now, retiresAt: null, removesAt: null }, em);
          replacement = newest.kid;
        } else {
          replacement = await this.createKey(key.alg as SigningAlg, now, em);
        }
      }
      await this.audit.admin(
        { actor, action: 'keys.revoke', target: kid, details: { alg: key.alg, replacement } },
        em,
      );
      return { replacement };
    });
  }

  /** What the issuer should load now. */
  async signingState(): Promise<SigningState> {
    const now = this.clock.now();
    const keys = (await this.repo.all()).filter((k) => isPublished(k, now));
    const active: Partial<Record<SigningAlg, SigningJwk>> = {};
    const first: SigningJwk[] = [];
    for (const alg of SIGNING_ALGORITHMS) {
      const key = activeOf(keys, alg, now);
      if (key) first.push((active[alg] = this.open(key)));
    }
    const rest = keys.filter((k) => !first.some((f) => f.kid === k.kid)).map((k) => this.open(k));
    const ordered = [...first, ...rest];
    return { keys: ordered, active, fingerprint: ordered.map((k) => k.kid).join(',') };
  }

  private open(key: SigningKeyEntity): SigningJwk {
    let jwk = this.opened.get(key.kid);
    if (!jwk) {
      jwk = JSON.parse(
        this.settings.secretKey.decrypt(key.privateJwk, `signing-key:${key.kid}`),
      ) as SigningJwk;
      this.opened.set(key.kid, jwk);
    }
    return jwk;
  }

  private async createKey(alg: SigningAlg, activatesAt: Date, em: EntityManager): Promise<string> {
    const jwk = await generateSigningJwk(alg);
    const sealed = this.settings.secretKey.encrypt(JSON.stringify(jwk), `signing-key:${jwk.kid}`);
    await this.repo.insert({ kid: jwk.kid, alg, privateJwk: sealed, activatesAt }, em);
    return jwk.kid;
  }
}
