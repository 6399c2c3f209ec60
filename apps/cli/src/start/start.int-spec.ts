import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, freeLayout, isAlive } from '../test/cluster.js';

const clusters: TestCluster[] = [];

afterAll(async () => {
  for (const c of clusters) {
    await c.stop('SIGTERM');
    c.remove();
  }
});

/** A fresh `atrium start` on free ports, once it says it is running. */
async function runningCluster(): Promise<TestCluster> {
  const cluster = new TestCluster(await freeLayout());
  clusters.push(cluster);
  cluster.start();
  await cluster.waitFor('Atrium is running.');
  return cluster;
}

describe('atrium start', () => {
  it('cleans up after a run killed with kill -9 and starts again on the same data', { timeout: 300_000 }, async () => {
    const cluster = await runningCluster();
    expect((await fetch(`${cluster.urls.family}/readyz`)).status).toBe(200);
    const leftovers = cluster.recordedPids();
    expect(leftovers.length).toBeGreaterThanOrEqual(6);
    cluster.child!.kill('SIGKILL');
    await cluster.exited();

    cluster.start();
    await cluster.waitFor('Atrium is running.');
    expect(cluster.output).toContain('stopped what a killed earlier run left behind');
    expect(leftovers.filter(isAlive)).toEqual([]);
    const statuses = await Promise.all(Object.values(cluster.urls).map(async (u) => (await fetch(`${u}/readyz`)).status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(await cluster.stop('SIGTERM')).toBe(0);
  });

  it('refuses a second run on the same ports with a clear message and leaves the first running', { timeout: 300_000 }, async () => {
    const cluster = await runningCluster();
    const intruder = new TestCluster(cluster.port);
    clusters.push(intruder);
    intruder.start();
    expect(await intruder.exited()).toBe(1);
    expect(intruder.output).toMatch(/exited|in use|did not/);
    expect((await fetch(`${cluster.urls.portal}/readyz`)).status).toBe(200);
  });
});
