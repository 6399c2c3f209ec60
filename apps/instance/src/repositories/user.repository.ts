import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { UserEntity } from '../entities/user.entity.js';

/** People seen through the portal, refreshed from every ID token. */
@Injectable()
export class UserRepository {
  private readonly repo: Repository<UserEntity>;

  constructor(private readonly db: DataSource) {
    this.repo = db.getRepository(UserEntity);
  }

  /** Records the latest facts about a person; the first sighting is kept. */
  async upsert(user: Omit<UserEntity, 'firstSeenAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO users (id, username, name, email, role, groups, base_path, upload_path, webdav, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (id) DO UPDATE SET username = $2, name = $3, email = $4, role = $5, groups = $6,
         base_path = $7, upload_path = $8, webdav = $9, last_seen_at = $10`,
      [
        user.id,
        user.username,
        user.name,
        user.email,
        user.role,
        user.groups,
        user.basePath,
        user.uploadPath,
        user.webdav,
        user.lastSeenAt,
      ],
    );
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }
}
