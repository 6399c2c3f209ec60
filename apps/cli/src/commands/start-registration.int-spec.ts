import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster, freeLayout, portFree } from '../test/cluster.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let cluster: TestCluster;

interface NodeRow {
  name: string;
  url: string;
  clientId: string;
  joined: boolean;
}

function atrium(...args: string[]): string {
  const run = spawnSync(
    process.execPath,
    [`${ROOT}apps/cli/bin/atrium.js`, ...args, '--data', cluster.dataDir],
    {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const nodes = () =>
  (JSON.parse(atrium('cluster', 'nodes', 'ls', '--json')) as NodeRow[]).map(
    ({ name, url, clientId, joined }) => ({ name, url, clientId, joined }),
  );
const joins = (name: string) =>
  (JSON.parse(atrium('audit', 'admin', '--json')) as { action: string; target: string }[]).filter(
    (e) => e.action === 'nodes.join' && e.target === name,
  ).length;

/** Where the instance's sign-in sends the browser: the portal's authorization endpoint, as this client. */
async function signInClient(instanceUrl: string): Promise<string | null> {
  const res = await fetch(`${instanceUrl}/auth/login`, { redirect: 'manual' });
  expect(res.status).toBeGreaterThanOrEqual(300);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin).toBe(cluster.urls.portal);
  return location.searchParams.get('client_id');
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [`${ROOT}scripts/build.mjs`], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('atrium start', () => {
  it(
    'registers the instances through join tokens, follows them to new ports, and re-registers a removed one',
    { timeout: 600_000 },
    async () => {
      cluster = new TestCluster(await freeLayout());
      cluster.start();
      await cluster.waitFor('Atrium is running.');
      const link = /(http:\/\/127\.0\.0\.1:\d+\/setup\/([A-Za-z0-9_-]+))/.exec(cluster.output);
      expect(link, cluster.output).not.toBeNull();
      expect(await (await fetch(`${cluster.urls.portal}/api/setup/${link![2]}`)).json()).toEqual({
        valid: true,
      });

      // First run: each instance redeemed its one-time token and signs people in as its node.
      const first = nodes();
      expect(first.map((n) => [n.name, n.url, n.joined])).toEqual([
        ['family', cluster.urls.family, true],
        ['studio', cluster.urls.studio, true],
      ]);
      for (const node of first)
        expect(await signInClient(cluster.urls[node.name as 'family' | 'studio'])).toBe(node.clientId);
      expect([joins('family'), joins('studio')]).toEqual([1, 1]);
      expect(await cluster.stop('SIGINT')).toBe(0);

      // Another --port: the portal follows the instances; their stored credentials still work, no new join.
      let moved = cluster.port + 100;
      while (!(await Promise.all([moved, moved + 1, moved + 2, moved + 10].map(portFree))).every(Boolean))
        moved += 20;
      cluster.port = moved;
      cluster.start();
      await cluster.waitFor('Atrium is running.');
      expect(cluster.output).not.toContain('/setup/'.concat(link![2]));
      const second = nodes();
      expect(second.map((n) => [n.name, n.url, n.clientId])).toEqual([
        ['family', cluster.urls.family, first[0].clientId],
        ['studio', cluster.urls.studio, first[1].clientId],
      ]);
      expect(await signInClient(cluster.urls.family)).toBe(first[0].clientId);
      expect([joins('family'), joins('studio')]).toEqual([1, 1]);
      // An admin removes studio (the CLI needs the cluster's database, so while it runs)…
      atrium('cluster', 'nodes', 'rm', 'studio');
      expect(nodes().map((n) => n.name)).toEqual(['family']);
      expect(await cluster.stop('SIGINT')).toBe(0);

      // …and the next start registers it again as a new node, which joins with a fresh token.
      cluster.start();
      await cluster.waitFor('Atrium is running.');
      const third = nodes();
      expect(third.find((n) => n.name === 'studio')).toMatchObject({
        joined: true,
        url: cluster.urls.studio,
      });
      expect(third.find((n) => n.name === 'studio')!.clientId).not.toBe(first[1].clientId);
      expect(await signInClient(cluster.urls.studio)).toBe(third.find((n) => n.name === 'studio')!.clientId);
      expect(joins('family')).toBe(1);
      expect(await cluster.stop('SIGINT')).toBe(0);
    },
  );
});
