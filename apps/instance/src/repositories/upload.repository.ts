import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { folderOf, type NewAsset } from './library-files.repository.js';
import { LIVE_ASSET } from './access.repository.js';

/** An asset already holding some content. */
export interface ExistingContent {
  id: string;
  path: string;
}

/** What an upload's transaction may do while it holds the content lock. */
export interface ContentLockScope {
  liveWithHash(hash: string): Promise<ExistingContent | undefined>;
  insertUploaded(asset: NewAsset & { uploadedBy: string | null }, now: Date): Promise<void>;
}

// Exact to the millisecond, as indexing writes stamps (they are compared for equality).
const fromMs = (p: string) => `('epoch'::timestamptz + ${p}::float8 * interval '1 millisecond')`;

/** Every folder from the root down to `folder` (`a/b` → `a`, `a/b`). */
function withAncestors(folder: string): string[] {
  if (!folder) return [];
  const parts = folder.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function scope(em: EntityManager): ContentLockScope {
  return {
    async liveWithHash(hash) {
      const [row] = (await em.query(
        `SELECT a.id, a.path FROM assets a WHERE a.content_hash = $1 AND ${LIVE_ASSET('a')} ORDER BY a.created_at LIMIT 1`,
        [hash],
      )) as ExistingContent[];
      return row;
    },
    async insertUploaded(asset, now) {
      await em.query(
        `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, sort_at, uploaded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, ${fromMs('$6')}, $7, $8, $9, ${fromMs('$6')}, $10, $11, $11)`,
        [
          asset.id,
          asset.path,
          folderOf(asset.path),
          asset.path.slice(asset.path.lastIndexOf('/') + 1),
          asset.size,
          asset.mtimeMs,
          asset.contentHash,
          asset.mediaType,
          asset.mime,
          asset.uploadedBy,
          now,
        ],
      );
      const folders = withAncestors(folderOf(asset.path));
      if (folders.length)
        await em.query(
          'INSERT INTO folders (path, parent, created_at) SELECT path, parent, $3 FROM unnest($1::text[], $2::text[]) AS t(path, parent) ON CONFLICT (path) DO NOTHING',
          [folders, folders.map(folderOf), now],
        );
    },
  };
}

/** What uploads read and write: content looked up by hash, uploaded assets, under a per-content lock. */
@Injectable()
export class UploadRepository {
  constructor(private readonly db: DataSource) {}

  /** A live asset with this content, if any (the duplicate check before a transfer). */
  async liveWithHash(hash: string): Promise<ExistingContent | undefined> {
    return scope(this.db.manager).liveWithHash(hash);
  }

  /**
   * Runs `fn` in a transaction holding a lock on `hash`: two uploads of the same content at once
   * take turns, so the second sees the first's asset and is reported as a duplicate.
   */
  withContentLock<T>(hash: string, fn: (scope: ContentLockScope) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      await em.query("SELECT pg_advisory_xact_lock(hashtextextended('upload:' || $1, 0))", [hash]);
      return fn(scope(em));
    });
  }
}
