import { Injectable } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, type Repository } from 'typeorm';
import { SessionEntity } from '../entities/session.entity.js';

/** Instance sessions in Postgres, so every replica sees the same ones. */
@Injectable()
export class SessionRepository {
  private readonly repo: Repository<SessionEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(SessionEntity);
  }

  async insert(session: SessionEntity): Promise<void> {
    await this.repo.insert(session);
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastSeenAt: at });
  }

  async delete(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    return (await this.repo.delete({ id: In(ids) })).affected ?? 0;
  }

  /** Ends the sessions a back-channel logout names: one portal session (`sid`), or all of `sub`'s. */
  async deleteForLogout(target: { sid?: string; sub?: string }): Promise<number> {
    const where = {
      ...(target.sid !== undefined ? { portalSid: target.sid } : {}),
      ...(target.sub !== undefined ? { userId: target.sub } : {}),
    };
    if (!Object.keys(where).length) return 0;
    return (await this.repo.delete(where)).affected ?? 0;
  }

  async deleteExpired(now: Date, idleSince: Date): Promise<number> {
    const absolute = (await this.repo.delete({ expiresAt: LessThanOrEqual(now) })).affected ?? 0;
    const idle = (await this.repo.delete({ lastSeenAt: LessThanOrEqual(idleSince) })).affected ?? 0;
    return absolute + idle;
  }
}
