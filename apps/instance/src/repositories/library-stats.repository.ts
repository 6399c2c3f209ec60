import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';

/** How far the library's derivatives have come, for the progress screen. */
export interface LibraryStats {
  assets: number;
  withThumbnail: number;
  withMetadata: number;
  failed: number;
  missing: number;
  trashed: number;
}

const STATS_SQL = `SELECT
        count(*) FILTER (WHERE live)::int AS assets,
        count(*) FILTER (WHERE live AND derivatives ? 'thumb')::int AS with_thumbnail,
        count(*) FILTER (WHERE live AND metadata IS NOT NULL)::int AS with_metadata,
        count(*) FILTER (WHERE live AND failures <> '{}')::int AS failed,
        count(*) FILTER (WHERE missing_at IS NOT NULL)::int AS missing,
        count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS trashed
      FROM (SELECT *, deleted_at IS NULL AND missing_at IS NULL AS live FROM assets) a`;

function toStats(row: Record<string, number>): LibraryStats {
  return {
    assets: row.assets!,
    withThumbnail: row.with_thumbnail!,
    withMetadata: row.with_metadata!,
    failed: row.failed!,
    missing: row.missing!,
    trashed: row.trashed!,
  };
}

@Injectable()
export class LibraryStatsRepository {
  constructor(private readonly db: DataSource) {}

  async stats(): Promise<LibraryStats> {
    const [row] = (await this.db.query(STATS_SQL)) as Array<Record<string, number>>;
    return toStats(row!);
  }
}

/** The same figures read from outside the server (`atrium start` waits on them for its demo set). */
export async function readLibraryStats(databaseUrl: string): Promise<LibraryStats> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'atrium-admin' });
  try {
    await client.connect();
    return toStats((await client.query(STATS_SQL)).rows[0] as Record<string, number>);
  } finally {
    await client.end().catch(() => undefined);
  }
}
