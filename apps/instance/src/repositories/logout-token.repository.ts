import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The `jti`s of accepted logout tokens, kept until the token would have expired. */
@Injectable()
export class LogoutTokenRepository {
  constructor(private readonly db: DataSource) {}

  /** Records `jtiDigest`; false when it was recorded before (a replay). */
  async remember(jtiDigest: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.db.query('DELETE FROM logout_tokens_seen WHERE expires_at <= $1', [now]);
    const inserted = (await this.db.query(
      'INSERT INTO logout_tokens_seen (jti_digest, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING jti_digest',
      [jtiDigest, expiresAt],
    )) as unknown[];
    return inserted.length === 1;
  }
}
