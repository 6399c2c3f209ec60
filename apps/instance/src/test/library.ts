import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AccessPolicy } from '@atrium/policy';

/** Small builders for library rows in tests: every column has a harmless default. */
export interface AssetSeed {
  id?: string;
  path: string;
  mediaType?: 'image' | 'video';
  sortAt?: Date;
  takenAt?: Date | null;
  uploadedBy?: string | null;
  private?: boolean;
  archived?: boolean;
  favorite?: boolean;
  policy?: AccessPolicy | null;
  contentHash?: string;
  size?: number;
  mtime?: Date;
  deletedAt?: Date | null;
  missingAt?: Date | null;
  derivatives?: Record<string, string>;
}

export async function insertPolicy(
  db: DataSource,
  policy: AccessPolicy | null | undefined,
): Promise<string | null> {
  if (!policy) return null;
  const id = randomUUID();
  await db.query('INSERT INTO policies (id, everyone, users, groups) VALUES ($1, $2, $3, $4)', [
    id,
    policy.everyone,
    [...policy.users],
    [...policy.groups],
  ]);
  return id;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export async function insertAsset(db: DataSource, seed: AssetSeed): Promise<string> {
  const id = seed.id ?? randomUUID();
  const policyId = await insertPolicy(db, seed.policy);
  const sortAt = seed.sortAt ?? seed.takenAt ?? new Date('2024-01-01T00:00:00Z');
  const video = seed.mediaType === 'video';
  await db.query(
    `INSERT INTO assets (id, path, folder, file_name, size, mtime, content_hash, media_type, mime, taken_at, sort_at,
       uploaded_by, private, archived, favorite, policy_id, deleted_at, missing_at, derivatives, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, now(), now())`,
    [
      id,
      seed.path,
      folderOf(seed.path),
      seed.path.slice(seed.path.lastIndexOf('/') + 1),
      seed.size ?? 1000,
      seed.mtime ?? sortAt,
      seed.contentHash ?? id.replace(/-/g, '').padEnd(64, '0'),
      video ? 'video' : 'image',
      video ? 'video/mp4' : 'image/jpeg',
      seed.takenAt ?? null,
      sortAt,
      seed.uploadedBy ?? null,
      seed.private ?? false,
      seed.archived ?? false,
      seed.favorite ?? false,
      policyId,
      seed.deletedAt ?? null,
      seed.missingAt ?? null,
      seed.derivatives ?? {},
    ],
  );
  return id;
}

export async function insertAlbum(
  db: DataSource,
  album: { id?: string; title?: string; policy?: AccessPolicy | null; assets?: string[] },
): Promise<string> {
  const id = album.id ?? randomUUID();
  const policyId = await insertPolicy(db, album.policy);
  await db.query(
    'INSERT INTO albums (id, title, policy_id, created_at, updated_at) VALUES ($1, $2, $3, now(), now())',
    [id, album.title ?? 'Album', policyId],
  );
  for (const assetId of album.assets ?? []) {
    await db.query('INSERT INTO album_assets (album_id, asset_id, added_at) VALUES ($1, $2, now())', [
      id,
      assetId,
    ]);
  }
  return id;
}

export async function tagAsset(db: DataSource, assetId: string, name: string): Promise<void> {
  await db.query('INSERT INTO tags (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    randomUUID(),
    name,
  ]);
  await db.query('INSERT INTO asset_tags (asset_id, tag_id) SELECT $1, id FROM tags WHERE name = $2', [
    assetId,
    name,
  ]);
}

/** Empties the library tables (between property-test runs). */
export async function clearLibrary(db: DataSource): Promise<void> {
  await db.query(
    'TRUNCATE comments, user_links, share_link_unlocks, share_links, share_link_throttles, edit_batches, asset_tags, tags, album_assets, albums, assets, policies, folders, tombstones, ignored_files, index_runs',
  );
}
