import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli.js';
import { parseInstances } from './start.js';
import { databaseUrl, planSettings, readSettings, writeSettings } from './settings.js';

describe('atrium start settings', () => {
  it('lays out ports from the portal port and keeps secrets between runs', () => {
    const first = planSettings(undefined, ['family', 'studio'], 8080);
    expect(first.portal.port).toBe(8080);
    expect(first.instances.map((i) => [i.name, i.port, i.redisPort, i.database])).toEqual([
      ['family', 8081, 6380, 'instance_family'],
      ['studio', 8082, 6381, 'instance_studio'],
    ]);
    expect(first.postgres.port).toBe(5433);
    expect(first.worker.port).toBe(8090);
    expect(Buffer.from(first.secretKey, 'base64')).toHaveLength(32);

    const again = planSettings(first, ['studio', 'club'], 9000);
    expect(again.secretKey).toBe(first.secretKey);
    expect(again.postgres).toEqual(first.postgres);
    const studio = again.instances.find((i) => i.name === 'studio')!;
    expect(studio).toMatchObject({ port: 9001, redisPort: 6381, database: 'instance_studio' });
    const club = again.instances.find((i) => i.name === 'club')!;
    expect(club.redisPort).not.toBe(6381);
    expect(again.instances.find((i) => i.name === 'family')).toMatchObject({ database: 'instance_family' });
  });

  it('writes the settings file readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-settings-'));
    try {
      expect(readSettings(dir)).toBeUndefined();
      const s = planSettings(undefined, ['family'], 8080);
      writeSettings(dir, s);
      expect(readSettings(dir)).toEqual(s);
      expect(statSync(join(dir, 'cluster.json')).mode & 0o777).toBe(0o600);
      expect(databaseUrl(s, 'portal')).toBe(`postgres://atrium:${encodeURIComponent(s.postgres.password)}@127.0.0.1:5433/portal`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts only well-formed instance names', () => {
    expect(parseInstances(undefined)).toEqual(['family', 'studio']);
    expect(parseInstances('club, family')).toEqual(['club', 'family']);
    for (const bad of ['', 'Family', '../x', 'a b', 'x,x', '1club', 'a'.repeat(64)]) expect(() => parseInstances(bad)).toThrow(UsageError);
  });
});
