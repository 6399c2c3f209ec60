import type { ShareLinkTarget, VisibilityFilter } from '@atrium/policy';
import { isUuid, type SqlParams } from './sql.js';

/**
 * SQL for libs/policy's {@link VisibilityFilter}: the one place where who-sees-what becomes a
 * query. `ctes` go in the statement's WITH clause; `asset(alias)` and `album(alias)` are
 * predicates on a row of `assets` or `albums`. The visibility property test holds every predicate
 * against `filterShowsAsset` and `filterShowsAlbum`.
 */
export interface VisibilitySql {
  ctes: string[];
  asset(alias: string): string;
  album(alias: string): string;
}

// Ids that are not UUIDs name nothing in this database; dropping them keeps the casts safe.
function linkIds(links: readonly ShareLinkTarget[]) {
  return {
    albums: links.flatMap((l) => (l.kind === 'album' && isUuid(l.albumId) ? [l.albumId] : [])),
    assets: links.flatMap((l) => (l.kind === 'asset' && isUuid(l.assetId) ? [l.assetId] : [])),
  };
}

/** `linkShowsAsset`: never private or archived; an asset link its asset; an album link the album's assets without their own policy. */
function linkAssetSql(links: readonly ShareLinkTarget[], p: SqlParams, a: string): string {
  const ids = linkIds(links);
  if (!ids.albums.length && !ids.assets.length) return 'FALSE';
  return `(NOT ${a}.private AND NOT ${a}.archived AND (${a}.id = ANY(${p.add(ids.assets)}::uuid[])
    OR (${a}.policy_id IS NULL AND ${a}.album_ids && ${p.add(ids.albums)}::uuid[])))`;
}

function linkAlbumSql(links: readonly ShareLinkTarget[], p: SqlParams, al: string): string {
  const { albums } = linkIds(links);
  return albums.length ? `${al}.id = ANY(${p.add(albums)}::uuid[])` : 'FALSE';
}

/**
 * The policies that admit the member (`policyAdmits`) and the albums they belong to, computed once
 * per statement as two arrays: a handful of ids however large the library.
 */
function admittedCtes(member: { userId: string; groups: readonly string[] }, p: SqlParams): string[] {
  return [
    `admitted_policies AS MATERIALIZED (SELECT coalesce(array_agg(id), '{}') AS ids FROM policies
      WHERE everyone OR ${p.add(member.userId)} = ANY(users) OR groups && ${p.add([...member.groups])}::text[])`,
    `admitted_albums AS MATERIALIZED (SELECT coalesce(array_agg(id), '{}') AS ids FROM albums
      WHERE policy_id = ANY((SELECT ids FROM admitted_policies)::uuid[]))`,
  ];
}

// Cast, so `= ANY(…)` reads one array value rather than a set of rows.
const ADMITTED_POLICIES = '(SELECT ids FROM admitted_policies)::uuid[]';
const ADMITTED_ALBUMS = '(SELECT ids FROM admitted_albums)::uuid[]';

/**
 * `assetSharedWith`: the asset's own policy when it has one, else any of its albums' policies. Only
 * columns of the timeline index are read (`album_ids` mirrors `album_assets`), so a page is decided
 * by an index-only scan.
 */
function sharedSql(a: string): string {
  return `(CASE WHEN ${a}.policy_id IS NOT NULL THEN ${a}.policy_id = ANY(${ADMITTED_POLICIES})
    ELSE ${a}.album_ids && ${ADMITTED_ALBUMS} END)`;
}

function scopedSql(filter: Extract<VisibilityFilter, { scope: 'scoped' }>, p: SqlParams): VisibilitySql {
  const ctes = filter.member ? admittedCtes(filter.member, p) : [];
  const { basePath, ownUploadsOf } = filter;
  return {
    ctes,
    // Parameters are added only when a predicate is used: Postgres refuses unused, untyped ones.
    asset: (a) => {
      const reasons = [
        basePath === null
          ? null
          : `${a}.path = ${p.add(basePath)} OR starts_with(${a}.path, ${p.add(`${basePath}/`)})`,
        filter.member ? sharedSql(a) : null,
        linkAssetSql(filter.links, p, a),
      ].filter((r): r is string => r !== null);
      const visible = `(NOT ${a}.private AND NOT ${a}.archived AND (${reasons.join(' OR ')}))`;
      return ownUploadsOf === null ? visible : `(${a}.uploaded_by = ${p.add(ownUploadsOf)} OR ${visible})`;
    },
    album: (al) => {
      const byPolicy = filter.member ? `${al}.policy_id = ANY(${ADMITTED_POLICIES})` : 'FALSE';
      return `(${byPolicy} OR ${linkAlbumSql(filter.links, p, al)})`;
    },
  };
}

/** Builds the SQL of a {@link VisibilityFilter}, adding its parameters to `p`. */
export function visibilitySql(filter: VisibilityFilter, p: SqlParams): VisibilitySql {
  switch (filter.scope) {
    case 'all':
      return { ctes: [], asset: () => 'TRUE', album: () => 'TRUE' };
    case 'all_but_private_archived':
      return { ctes: [], asset: (a) => `(NOT ${a}.private AND NOT ${a}.archived)`, album: () => 'TRUE' };
    case 'link':
      return {
        ctes: [],
        asset: (a) => linkAssetSql(filter.links, p, a),
        album: (al) => linkAlbumSql(filter.links, p, al),
      };
    case 'scoped':
      return scopedSql(filter, p);
  }
}

/** `WITH a AS (…), b AS (…) ` or nothing. */
export function withClause(ctes: readonly string[]): string {
  return ctes.length ? `WITH ${ctes.join(', ')} ` : '';
}
