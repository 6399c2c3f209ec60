import pg from 'pg';
import { databaseUrl, type ClusterSettings } from './settings.js';

const ACTOR = 'atrium start';
const CREDENTIALS_KEY = 'node.credentials';
const UNDEFINED_DATABASE = '3D000';
const UNDEFINED_TABLE = '42P01';

/** One instance as `atrium start` runs it. */
export interface RunningInstance {
  name: string;
  url: string;
  database: string;
}

/** What the portal step of `atrium start` hands on: join tokens for the instances that need one. */
export interface PortalPreparation {
  /** The first-admin link (`/setup/<token>`), while the cluster has no admin. */
  setupLink?: string;
  /** `NODE_JOIN_TOKEN` per instance name, for instances that have not joined (yet, or any more). */
  joinTokens: Map<string, string>;
}

/**
 * Registers the instances with the portal the way an operator would (CONTRACTS §3): a node and a
 * one-time join token for each new instance, redeemed by the instance at its first boot; its
 * credentials then live in its own database. An instance that moved (another --port or --host) is
 * moved at the portal; one whose stored credentials are gone or belong to a removed node gets a
 * fresh join token. Also creates the first-admin link while there is no admin.
 */
export async function preparePortal(
  settings: ClusterSettings,
  portalUrl: string,
  instances: readonly RunningInstance[],
): Promise<PortalPreparation> {
  const { openPortalAdmin } = await import('@atrium/portal');
  const portal = await openPortalAdmin({
    databaseUrl: databaseUrl(settings, settings.portal.database),
    secretKey: settings.secretKey,
    publicUrl: portalUrl,
  });
  try {
    const joinTokens = new Map<string, string>();
    const known = new Map((await portal.nodes.list()).map((n) => [n.name, n]));
    for (const instance of instances) {
      const instanceDb = databaseUrl(settings, instance.database);
      const node = known.get(instance.name);
      if (!node) {
        // A node removed at the portal leaves credentials the portal no longer knows.
        await forgetCredentials(instanceDb);
        joinTokens.set(
          instance.name,
          (await portal.nodes.add({ name: instance.name, url: instance.url }, ACTOR)).joinToken,
        );
        continue;
      }
      await portal.nodes.moveInstance(instance.name, instance.url, ACTOR);
      if ((await storedClientId(instanceDb)) !== node.clientId || !node.secretDigest) {
        await forgetCredentials(instanceDb);
        joinTokens.set(instance.name, (await portal.nodes.newJoinToken(instance.name, ACTOR)).joinToken);
      }
    }
    const link = await portal.setup.createLink();
    return { setupLink: link ? `${portalUrl}/setup/${link.token}` : undefined, joinTokens };
  } finally {
    await portal.close();
  }
}

/** Waits until each instance given a join token has redeemed it and stored its credentials. */
export async function waitJoined(
  settings: ClusterSettings,
  instances: readonly RunningInstance[],
  joinTokens: ReadonlyMap<string, string>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const instance of instances.filter((i) => joinTokens.has(i.name))) {
    while (!(await storedClientId(databaseUrl(settings, instance.database)))) {
      if (Date.now() > deadline)
        throw new Error(`${instance.name} did not join the portal within ${timeoutMs / 1000}s; see its log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The client id an instance stored after joining; undefined before its database exists. */
async function storedClientId(url: string): Promise<string | undefined> {
  const rows = await instanceQuery<{ id: string }>(
    url,
    `SELECT value->>'clientId' AS id FROM settings WHERE key = $1`,
    [CREDENTIALS_KEY],
  );
  return rows[0]?.id;
}

async function forgetCredentials(url: string): Promise<void> {
  await instanceQuery(url, 'DELETE FROM settings WHERE key = $1', [CREDENTIALS_KEY]);
}

/** A query on an instance's database; nothing when the database or its tables do not exist yet. */
async function instanceQuery<T>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'atrium-start' });
  try {
    await client.connect();
    return (await client.query(sql, params)).rows as T[];
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNDEFINED_DATABASE || code === UNDEFINED_TABLE) return [];
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
