import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCredentials } from '../start/start.js';
import { TestCluster, freeLayout } from '../test/cluster.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let cluster: TestCluster;

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
    'registers the instances with the portal and prints the first-admin link once',
    { timeout: 300_000 },
    async () => {
      cluster = new TestCluster(await freeLayout());
      cluster.start();
      await cluster.waitFor('Atrium is running.');
      const link = /(http:\/\/127\.0\.0\.1:\d+\/setup\/([A-Za-z0-9_-]+))/.exec(cluster.output);
      expect(link, cluster.output).not.toBeNull();
      expect(await (await fetch(`${cluster.urls.portal}/api/setup/${link![2]}`)).json()).toEqual({
        valid: true,
      });

      const { secretKey } = JSON.parse(readFileSync(join(cluster.dataDir, 'cluster.json'), 'utf8')) as {
        secretKey: string;
      };
      for (const name of ['family', 'studio']) {
        const { clientId, clientSecret } = nodeCredentials(secretKey, name);
        const res = await fetch(`${cluster.urls.portal}/api/cluster/directory`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          },
        });
        expect(res.status, name).toBe(200);
      }
      const nodes = spawnSync(
        process.execPath,
        [`${ROOT}apps/cli/bin/atrium.js`, 'cluster', 'nodes', 'ls', '--json', '--data', cluster.dataDir],
        { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } },
      );
      expect(nodes.status, nodes.stderr).toBe(0);
      expect(
        JSON.parse(nodes.stdout).map((n: { name: string; url: string; joined: boolean }) => [
          n.name,
          n.url,
          n.joined,
        ]),
      ).toEqual([
        ['family', cluster.urls.family, true],
        ['studio', cluster.urls.studio, true],
      ]);
      expect(await cluster.stop('SIGINT')).toBe(0);
    },
  );
});
