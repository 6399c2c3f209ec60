// Renders the chart with the real helm binary, once per values file, for the chart tests.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHelm, runHelm, type HelmResult } from './helm.js';
import { parseManifests, podsOf, type Manifest, type Pod } from './manifests.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHART = join(ROOT, 'deploy', 'helm', 'atrium');
export const CI_VALUES = readdirSync(join(CHART, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

export interface Rendered {
  file: string;
  lint: HelmResult;
  manifests: Manifest[];
  pods: Pod[];
}

export class Helm {
  private readonly home = mkdtempSync(join(tmpdir(), 'atrium-helm-'));
  private readonly binary = ensureHelm(ROOT);

  run(args: string[], stdinValues?: string): HelmResult {
    if (stdinValues === undefined) return runHelm(this.binary, args, this.home);
    const file = join(this.home, `values-${Math.random().toString(36).slice(2)}.yaml`);
    return runHelm(this.binary, [...args, '-f', file], this.home, stdinValues);
  }

  /** `helm template` with a ci/ values file (or none); throws with helm's message on failure. */
  render(file?: string): Rendered {
    const values = file ? ['-f', join(CHART, 'ci', file)] : [];
    const lint = this.run(['lint', '--strict', CHART, ...values]);
    const result = this.run(['template', 'atrium', CHART, '--namespace', 'photos', ...values]);
    if (result.status !== 0) throw new Error(`helm template ${file ?? ''} failed: ${result.stderr}`);
    const manifests = parseManifests(result.stdout);
    return { file: file ?? 'values.yaml', lint, manifests, pods: podsOf(manifests) };
  }

  /** `helm template` with inline values (and more flags); the result, failing or not. */
  template(values: string, flags: string[] = []): HelmResult {
    return this.run(['template', 'atrium', CHART, ...flags], values);
  }

  close(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

export function find(rendered: Rendered, kind: string, name: string): Manifest {
  const m = rendered.manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`${rendered.file}: no ${kind} ${name}`);
  return m;
}

export function all(rendered: Rendered, kind: string): Manifest[] {
  return rendered.manifests.filter((m) => m.kind === kind);
}

/** The instance names a rendering has, from its instance Deployments. */
export function instanceNames(rendered: Rendered): string[] {
  return all(rendered, 'Deployment')
    .filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'instance')
    .map((d) => d.metadata.labels!['atrium.io/instance']!);
}
