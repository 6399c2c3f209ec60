import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster, freeLayout, isAlive, portFree } from 'atrium/testing';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = new TestCluster(await freeLayout());
  cluster.start();
  await cluster.waitFor('Press Ctrl-C to stop.');
});

afterAll(async () => {
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('a fresh cluster from atrium start', () => {
  it('reports every service ready and stops every process on Ctrl-C', async () => {
    const statuses = await Promise.all(Object.values(cluster.urls).map(async (u) => (await fetch(`${u}/readyz`)).status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    const pids = cluster.recordedPids();
    expect(pids.length).toBeGreaterThanOrEqual(6);
    expect(await cluster.stop('SIGINT')).toBe(0);
    expect(cluster.output).toContain('atrium: stopped');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await Promise.all([cluster.port, cluster.port + 1, cluster.port + 2, cluster.port + 5433 - 8080].map(portFree))).toEqual([true, true, true, true]);
  });
});
