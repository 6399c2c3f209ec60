import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface CommentRow {
  id: string;
  albumId: string | null;
  assetId: string | null;
  authorId: string;
  authorName: string | null;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
}

type Row = Record<string, unknown>;

const SELECT = `SELECT c.id, c.album_id, c.asset_id, c.author_id, coalesce(u.name, u.username) AS author_name, c.body,
    c.created_at, c.edited_at FROM comments c LEFT JOIN users u ON u.id = c.author_id`;

const toComment = (r: Row): CommentRow => ({
  id: r.id as string,
  albumId: (r.album_id as string | null) ?? null,
  assetId: (r.asset_id as string | null) ?? null,
  authorId: r.author_id as string,
  authorName: (r.author_name as string | null) ?? null,
  body: r.body as string,
  createdAt: r.created_at as Date,
  editedAt: (r.edited_at as Date | null) ?? null,
});

/** Comments on albums and assets, oldest first. Callers check access to the album or asset first. */
@Injectable()
export class CommentRepository {
  constructor(private readonly db: DataSource) {}

  async list(target: { albumId?: string; assetId?: string }): Promise<CommentRow[]> {
    const [column, id] = target.albumId ? ['album_id', target.albumId] : ['asset_id', target.assetId];
    return (
      (await this.db.query(`${SELECT} WHERE c.${column} = $1 ORDER BY c.created_at, c.id`, [id])) as Row[]
    ).map(toComment);
  }

  async find(id: string): Promise<CommentRow | undefined> {
    const rows = (await this.db.query(`${SELECT} WHERE c.id = $1`, [id])) as Row[];
    return rows[0] ? toComment(rows[0]) : undefined;
  }

  async create(
    target: { albumId?: string; assetId?: string },
    authorId: string,
    body: string,
    now: Date,
  ): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      'INSERT INTO comments (id, album_id, asset_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, target.albumId ?? null, target.assetId ?? null, authorId, body, now],
    );
    return id;
  }

  async edit(id: string, body: string, now: Date): Promise<void> {
    await this.db.query('UPDATE comments SET body = $2, edited_at = $3 WHERE id = $1', [id, body, now]);
  }

  async remove(id: string): Promise<void> {
    await this.db.query('DELETE FROM comments WHERE id = $1', [id]);
  }
}
