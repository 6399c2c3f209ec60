import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A sign-in under way: what the callback must check, kept until it returns (once) or expires. */
export interface LoginState {
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  silent: boolean;
}

/** Pending sign-ins, keyed by the digest of their `state`, in Postgres so any replica can finish one. */
@Injectable()
export class LoginStateRepository {
  constructor(private readonly db: DataSource) {}

  async save(stateDigest: string, state: LoginState, expiresAt: Date, now: Date): Promise<void> {
    await this.db.query('DELETE FROM login_states WHERE expires_at <= $1', [now]);
    await this.db.query(
      'INSERT INTO login_states (state_digest, nonce, code_verifier, return_to, silent, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [stateDigest, state.nonce, state.codeVerifier, state.returnTo, state.silent, expiresAt],
    );
  }

  /** Removes and returns a pending sign-in that has not expired: each state is good once. */
  async take(stateDigest: string, now: Date): Promise<LoginState | undefined> {
    const [rows] = (await this.db.query(
      'DELETE FROM login_states WHERE state_digest = $1 RETURNING nonce, code_verifier, return_to, silent, expires_at',
      [stateDigest],
    )) as [
      Array<{ nonce: string; code_verifier: string; return_to: string; silent: boolean; expires_at: Date }>,
      number,
    ];
    const row = rows[0];
    if (!row || row.expires_at <= now) return undefined;
    return { nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, silent: row.silent };
  }
}
