import { CommandError } from '../cli.js';
import { databaseUrl, type ClusterSettings } from './settings.js';

const ACTOR = 'atrium start';

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
 * Registers the instances with the portal the way an operator would (docs/contracts.md §3): a node and a
 * one-time join token for each new instance, redeemed by the instance at its first boot; its
 * credentials then live in its own database. An instance that moved (another --port or --host) is
 * moved at the portal; one whose stored credentials are gone or belong to a removed node gets a
 * fresh join token. Also creates the first-admin link while there is no admin; `adminLibraries` are
 * granted to that admin with the role `admin` when the link is used.
 */
export async function preparePortal(
  settings: ClusterSettings,
  portalUrl: string,
  instances: readonly RunningInstance[],
  adminLibraries: readonly string[] = [],
): Promise<PortalPreparation> {
  const { openPortalAdmin } = await import('@atrium/portal');
  const { forgetNodeCredentials, storedNodeClientId } = await import('@atrium/instance');
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
        await forgetNodeCredentials(instanceDb);
        joinTokens.set(
          instance.name,
          (await portal.nodes.add({ name: instance.name, url: instance.url }, ACTOR)).joinToken,
        );
        continue;
      }
      await portal.nodes.moveInstance(instance.name, instance.url, ACTOR);
      if ((await storedNodeClientId(instanceDb)) !== node.clientId || !node.secretDigest) {
        await forgetNodeCredentials(instanceDb);
        joinTokens.set(instance.name, (await portal.nodes.newJoinToken(instance.name, ACTOR)).joinToken);
      }
    }
    // The first admin also gets `admin` on the demo libraries, as explicit (revocable) grants.
    const link = await portal.setup.createLink({ grants: adminLibraries.map((node) => ({ node, role: 'admin' })) });
    return { setupLink: link ? `${portalUrl}/setup/${link.token}` : undefined, joinTokens };
  } finally {
    await portal.close();
  }
}

/** Maps the demo organization's groups to the demo libraries, as `allow-group` would. */
export async function mapDemoGroups(
  settings: ClusterSettings,
  portalUrl: string,
  mappings: ReadonlyArray<{ group: string; node: string; role: string; uploadPath?: string }>,
): Promise<void> {
  const { openPortalAdmin } = await import('@atrium/portal');
  const portal = await openPortalAdmin({
    databaseUrl: databaseUrl(settings, settings.portal.database),
    secretKey: settings.secretKey,
    publicUrl: portalUrl,
  });
  try {
    for (const mapping of mappings) await portal.grants.allowGroup(mapping, ACTOR);
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
  const { storedNodeClientId } = await import('@atrium/instance');
  const deadline = Date.now() + timeoutMs;
  for (const instance of instances.filter((i) => joinTokens.has(i.name))) {
    while (!(await storedNodeClientId(databaseUrl(settings, instance.database)))) {
      if (Date.now() > deadline)
        throw new CommandError(
          `${instance.name} did not join the portal within ${timeoutMs / 1000}s; see its log`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
