import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SigningKeyEntity } from '../entities/oidc.entity.js';

/** The issuer's signing keys (private parts sealed). */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(SigningKeyEntity);
  }

  all(em?: EntityManager): Promise<SigningKeyEntity[]> {
    return this.repo(em).find({ order: { createdAt: 'ASC' } });
  }

  findByKid(kid: string, em?: EntityManager): Promise<SigningKeyEntity | null> {
    return this.repo(em).findOneBy({ kid });
  }

  async insert(key: Partial<SigningKeyEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).insert(key);
  }

  async update(kid: string, patch: Partial<SigningKeyEntity>, em?: EntityManager): Promise<void> {
    await this.repo(em).update({ kid }, patch);
  }

  /** Serializes key creation across replicas and the CLI for the rest of the transaction. */
  async lock(em: EntityManager): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [KEYS_LOCK]);
  }
}

const KEYS_LOCK = 0x4b657973; // "Keys"
