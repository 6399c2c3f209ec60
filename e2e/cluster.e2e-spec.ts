import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@atrium/testing';
import { TestCluster, freeLayout, isAlive, portFree } from '../apps/cli/src/test/cluster.js';

let browser: Browser;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = new TestCluster(await freeLayout());
  cluster.start();
  await cluster.waitFor('Atrium is running.');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop('SIGTERM');
  cluster?.remove();
});

describe('a fresh cluster from atrium start', () => {
  it('serves the portal and each instance as pages in a real browser', async () => {
    const page = await browser.newPage();
    await page.goto(cluster.urls.portal);
    await expect(page.locator('h1').textContent()).resolves.toBe('Atrium');
    for (const instance of [cluster.urls.family, cluster.urls.studio]) {
      await page.goto(instance);
      await expect(page.locator('h1').textContent()).resolves.toBe('Atrium library');
    }
    await page.close();
  });

  it('reports every service ready and stops every process on Ctrl-C', async () => {
    const statuses = await Promise.all(Object.values(cluster.urls).map(async (u) => (await fetch(`${u}/readyz`)).status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    const pids = cluster.recordedPids();
    expect(await cluster.stop('SIGINT')).toBe(0);
    expect(cluster.output).toContain('atrium: stopped');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await Promise.all([cluster.port, cluster.port + 1, cluster.port + 2, cluster.port + 5433 - 8080].map(portFree))).toEqual([true, true, true, true]);
  });
});
