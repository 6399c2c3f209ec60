import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AccountEntity } from '../entities/account.entity.js';
import { UpstreamOidcStateEntity } from '../entities/upstream.entity.js';
import { returnedRows } from './sql.js';

/** Started OIDC sign-ins, and accounts by the upstream identity they are linked to. */
@Injectable()
export class UpstreamRepository {
  constructor(private readonly ds: DataSource) {}

  async saveState(state: UpstreamOidcStateEntity): Promise<void> {
    await this.ds.getRepository(UpstreamOidcStateEntity).insert(state);
  }

  /** Takes a state out, once: a second answer with the same state finds nothing. */
  async consumeState(id: string): Promise<UpstreamOidcStateEntity | undefined> {
    const rows = returnedRows<Record<string, never>>(
      await this.ds.query(
        `DELETE FROM upstream_oidc_states WHERE id = $1
         RETURNING provider_id, nonce, code_verifier, binding, interaction, created_at, expires_at`,
        [id],
      ),
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id,
      providerId: row.provider_id,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      binding: row.binding,
      interaction: row.interaction,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeStates(now: Date): Promise<void> {
    await this.ds.query(`DELETE FROM upstream_oidc_states WHERE expires_at < $1`, [now]);
  }

  /** The account linked to (kind, issuer, subject); the issuer is null for LDAP. */
  findLinked(
    kind: 'oidc' | 'ldap',
    issuer: string | null,
    subject: string,
    em?: EntityManager,
  ): Promise<AccountEntity | null> {
    return (em ?? this.ds.manager)
      .getRepository(AccountEntity)
      .findOneBy({ authProvider: kind, authIssuer: issuer ?? IsNull(), authId: subject });
  }
}
